#include "local/http/dispatch.hpp"

#include <unistd.h>

#include <exception>
#include <utility>

namespace csv2ddb::local {
namespace {

// A spooled body the handler did not take over is deleted here.
void delete_spool(HttpRequest& request) {
  if (!request.body.in_file()) return;
  ::unlink(request.body.file_path.c_str());
  request.body.file_path.clear();
}

HttpResponse bare_500() {
  HttpResponse response;
  response.status = 500;
  return response;
}

Answer answer_for(std::uint64_t connection, const HttpRequest& request, bool keep_alive,
                  HttpResponse response) {
  if (!keep_alive) response.close_connection = true;
  return Answer{connection, std::move(response), request.method == "HEAD"};
}

}  // namespace

Dispatch::Dispatch(HttpHandler& handler, std::size_t workers, std::function<void()> wake)
    : handler_(handler), wake_(std::move(wake)), pool_(workers) {}

void Dispatch::run_on_worker(std::uint64_t connection, HttpRequest request, bool keep_alive) {
  auto shared = std::make_shared<HttpRequest>(std::move(request));
  pool_.submit([this, connection, shared, keep_alive] {
    HttpResponse response;
    try {
      response = handler_.handle(*shared);
    } catch (const std::exception&) {
      response = bare_500();
    }
    delete_spool(*shared);
    {
      std::lock_guard<std::mutex> lock(finished_mutex_);
      finished_.push_back(answer_for(connection, *shared, keep_alive, std::move(response)));
    }
    wake_();
  });
}

void Dispatch::hold_inline(std::uint64_t connection, HttpRequest request, bool keep_alive) {
  held_.push_back({connection, std::move(request), keep_alive});
}

std::vector<Answer> Dispatch::run_held() {
  std::vector<Held> held;
  held.swap(held_);
  std::vector<HttpRequest*> requests;
  requests.reserve(held.size());
  for (Held& one : held) requests.push_back(&one.request);
  std::vector<HttpResponse> responses;
  try {
    responses = handler_.handle_inline(requests);
  } catch (const std::exception&) {
    responses.clear();
  }
  responses.resize(held.size(), bare_500());
  std::vector<Answer> answers;
  answers.reserve(held.size());
  for (std::size_t i = 0; i < held.size(); ++i) {
    delete_spool(held[i].request);
    answers.push_back(answer_for(held[i].connection, held[i].request, held[i].keep_alive,
                                 std::move(responses[i])));
  }
  return answers;
}

std::deque<Answer> Dispatch::take_finished() {
  std::deque<Answer> ready;
  std::lock_guard<std::mutex> lock(finished_mutex_);
  ready.swap(finished_);
  return ready;
}

}  // namespace csv2ddb::local
