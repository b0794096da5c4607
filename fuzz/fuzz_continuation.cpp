// libFuzzer target for what one invocation of the function hands the next: the continuation
// event (an async invocation's payload) and the hand-over state object (lambda/). Both come
// back from outside the process, so they are parsed as untrusted bytes: no crash, and a state
// that decodes encodes back to bytes that decode to the same format and header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lambda/continuation_event.hpp"
#include "lambda/hand_over_state.hpp"

using namespace csv2ddb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)lambda::parse_continuation_event(text);
  auto state = lambda::decode_hand_over_state(text);
  if (state.ok()) {
    auto again = lambda::decode_hand_over_state(lambda::encode_hand_over_state(*state));
    if (!again.ok() || again->format != state->format || again->header != state->header) {
      std::abort();
    }
  }
  return 0;
}
