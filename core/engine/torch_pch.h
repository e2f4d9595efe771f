#pragma once
// Precompiled header for the LibTorch translation units: the narrow ATen API only
// (DESIGN.md, platform fact 4: <torch/torch.h> costs ~19 s per file here).
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
