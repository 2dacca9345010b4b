#pragma once
// Freeing a county's worth of geometries one by one takes a noticeable share of a batch run
// (0.5 s of 11 s in bench/README.md) and is useless when the process is about to end. A command
// hands such objects to keep_until_exit() once its outputs are written and closed; main() then
// flushes stdio and ends with std::_Exit, leaving the memory to the operating system. Nothing
// that holds an open file or dataset may be handed over.
#include <memory>
#include <utility>

namespace siteplan {

namespace detail {
void keep_until_exit_impl(std::shared_ptr<void> object);
}

template <class T>
void keep_until_exit(T&& object) {
  detail::keep_until_exit_impl(std::make_shared<std::decay_t<T>>(std::forward<T>(object)));
}

// True when objects were handed over (main() must then end with std::_Exit).
bool objects_kept_until_exit();

}  // namespace siteplan
