// Result<T>: a value or an Error, the way every library layer reports failure.
// Exceptions do not cross layer boundaries (clang 14, used for fuzzing, has no std::expected);
// only the edges (command line, Lambda loop, server request handler) catch.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace csv2ddb {

// A failure a person can act on. `code` is stable and machine-readable (tests and wire
// protocols use it, e.g. "UnterminatedQuote", "ValidationException"); `message` says what
// happened and, where it helps, what to do about it.
struct Error {
  std::string code;
  std::string message;
  // More members of the service's error document, as JSON text without braces, for the few
  // errors that carry more than a message (a failed condition's "Item", a cancelled
  // transaction's "CancellationReasons"); empty for every other error.
  std::string wire_members = {};

  std::string to_string() const { return code.empty() ? message : code + ": " + message; }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }
  Error&& take_error() {
    assert(!ok());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success carries nothing.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  Error&& take_error() {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Error make_error(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

}  // namespace csv2ddb
