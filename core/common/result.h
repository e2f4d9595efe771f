#pragma once
// Result type returned by every core facade entry point: a value, or one human sentence naming
// the file, the field and what was expected. Exceptions never cross the facade.

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace cl {

/// The error half of a Result: one sentence a user can act on.
struct Error {
    std::string message;
};

/// Either a value or an Error. Cheap to move; check ok() before value().
template <class T>
class Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error.message)) {}

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    const std::string& error() const { return m_error; }

    T& value() & { return checked(); }
    const T& value() const& { return const_cast<Result*>(this)->checked(); }
    T&& value() && { return std::move(checked()); }
    T& operator*() & { return checked(); }
    const T& operator*() const& { return const_cast<Result*>(this)->checked(); }
    T* operator->() { return &checked(); }
    const T* operator->() const { return &const_cast<Result*>(this)->checked(); }

private:
    T& checked() {
        if (!m_value) {
            throw std::logic_error("Result::value() on an error: " + m_error);
        }
        return *m_value;
    }
    std::optional<T> m_value;
    std::string m_error;
};

/// Result for operations that return nothing.
struct Ok {};
using Status = Result<Ok>;

/// Runs fn and turns any exception into an Error, for facade entry points.
template <class Fn>
auto catchAll(Fn&& fn) -> decltype(fn()) {
    try {
        return fn();
    } catch (const std::exception& e) {
        return Error{e.what()};
    } catch (...) {
        return Error{"unknown internal error"};
    }
}

} // namespace cl
