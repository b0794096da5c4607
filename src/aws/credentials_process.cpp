// credential_process: run the helper, read its version 1 JSON.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "aws/profile_sources.hpp"
#include "model/json.hpp"

namespace csv2ddb::aws {
namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;  // a credentials document is a few hundred bytes

// Words as a POSIX shell splits them: blanks separate, '...' is literal, "..." keeps blanks and
// takes \" \\ \$ \` escapes, a backslash outside quotes escapes the next character.
Result<std::vector<std::string>> split_command(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (std::size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && i + 1 < command.size()) {
      word.push_back(command[++i]);
    } else if (c == '\'') {
      auto close = command.find('\'', i + 1);
      if (close == std::string_view::npos) return make_error("InvalidCommand", "unclosed '");
      word.append(command.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < command.size() && command[j] != '"'; ++j) {
        if (command[j] == '\\' && j + 1 < command.size() &&
            std::string_view("\"\\$`").find(command[j + 1]) != std::string_view::npos) {
          ++j;
        }
        word.push_back(command[j]);
      }
      if (j >= command.size()) return make_error("InvalidCommand", "unclosed \"");
      i = j;
    } else {
      word.push_back(c);
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return make_error("InvalidCommand", "empty command");
  return words;
}

struct Finished {
  int status = 0;  // the exit status, or 128 + signal
  bool timed_out = false;
  std::string out;
  std::string err;
};

// Reads both pipes until they close or the deadline passes (then the helper is killed).
void collect(int out_fd, int err_fd, pid_t pid, std::chrono::milliseconds timeout, Finished& done) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<pollfd> fds = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buffer[4096];
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      done.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    int ready = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
      if (n <= 0) {
        fds[i].fd = -1;
        --open_fds;
        continue;
      }
      std::string& into = i == 0 ? done.out : done.err;
      if (into.size() < kMaxOutput) into.append(buffer, static_cast<std::size_t>(n));
    }
  }
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  done.status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

Result<Finished> run(const std::vector<std::string>& words, std::chrono::milliseconds timeout) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return make_error("ProcessFailed", std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return make_error("ProcessFailed", std::strerror(errno));
  }
  std::vector<char*> argv;
  for (const auto& word : words) argv.push_back(const_cast<char*>(word.c_str()));
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    execvp(argv[0], argv.data());
    dprintf(2, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  Finished done;
  if (pid < 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return make_error("ProcessFailed", std::strerror(errno));
  }
  collect(out_pipe[0], err_pipe[0], pid, timeout, done);
  close(out_pipe[0]);
  close(err_pipe[0]);
  return done;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

Result<ProvidedCredentials> process_credentials(const ProfileSourceContext& context,
                                                const std::string& profile,
                                                const std::string& command) {
  const std::string who = "profile \"" + profile + "\" credential_process";
  auto words = split_command(command);
  if (!words) return credentials_failed(who + ": " + words.error().message);
  auto finished = run(*words, context.process_timeout);
  if (!finished) return credentials_failed(who + " could not start: " + finished.error().message);
  if (finished->timed_out) {
    return credentials_failed(who + " did not finish within " +
                              describe_duration(context.process_timeout) + " and was stopped");
  }
  if (finished->status != 0) {
    std::string err = trimmed(finished->err);
    return credentials_failed(who + " exited with status " + std::to_string(finished->status) +
                              (err.empty() ? std::string() : ": " + err));
  }
  // The output holds secrets: describe what is wrong with it, never show it.
  auto doc = model::parse_json(finished->out);
  if (!doc || !doc->is_object()) {
    return credentials_failed(who + " printed something that is not a JSON object");
  }
  const model::JsonValue* version = doc->find("Version");
  if (version == nullptr || !version->is_number() || version->as_string() != "1") {
    return credentials_failed(who + " printed JSON without \"Version\": 1");
  }
  auto parsed = parse_credentials_json(finished->out, "credential_process of profile " + profile);
  if (!parsed) return credentials_failed(who + ": " + parsed.error().message);
  // parse_credentials_json reads container answers ("Token"); helpers say "SessionToken".
  if (const auto* token = doc->find("SessionToken"); token != nullptr && token->is_string()) {
    parsed->credentials.session_token = token->as_string();
  }
  return parsed;
}

}  // namespace csv2ddb::aws
