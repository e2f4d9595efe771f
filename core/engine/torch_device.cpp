#include "core/engine/torch_device.h"

#include <stdexcept>

namespace cl {

at::ScalarType parseDtype(const std::string& d) {
    if (d == "f32" || d == "float32" || d == "fp32") {
        return at::kFloat;
    }
    if (d == "bf16" || d == "bfloat16") {
        return at::kBFloat16;
    }
    if (d == "f16" || d == "float16" || d == "fp16") {
        return at::kHalf;
    }
    throw std::runtime_error("unknown dtype \"" + d + "\" (use f32, bf16 or f16)");
}

std::string dtypeName(at::ScalarType t) {
    switch (t) {
    case at::kBFloat16:
        return "bf16";
    case at::kHalf:
        return "f16";
    default:
        return "f32";
    }
}

at::Device parseDevice(const std::string& d) {
    if (d == "cpu" || d.empty()) {
        return at::kCPU;
    }
    if (d.rfind("cuda", 0) == 0) {
        if (!at::hasCUDA()) {
            throw std::runtime_error("device \"" + d +
                                     "\" requested but this LibTorch build has no CUDA; build "
                                     "against a CUDA LibTorch (README: GPU builds) or use cpu");
        }
        return at::Device(d);
    }
    throw std::runtime_error("unknown device \"" + d + "\" (use cpu, cuda or cuda:N)");
}

std::string describeTorchError(const std::exception& e) {
    const std::string what = e.what();
    if (what.find("out of memory") != std::string::npos ||
        what.find("DefaultCPUAllocator: can't allocate") != std::string::npos) {
        return "out of memory: the model does not fit; try --dtype bf16, a smaller model, or "
               "shorter inputs";
    }
    // LibTorch messages carry a C++ backtrace after the first line; keep the sentence.
    const auto nl = what.find('\n');
    return nl == std::string::npos ? what : what.substr(0, nl);
}

} // namespace cl
