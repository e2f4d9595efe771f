#include "core/engine/model.h"

#include "core/engine/causal_lm.h"
#include "core/engine/lora_adapter.h"
#include "core/engine/memory_check.h"
#include "core/engine/model_config.h"
#include "core/engine/safetensors_file.h"
#include "core/engine/torch_device.h"

#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <set>

namespace cl {

struct Model::Impl {
    ModelInfo info;
    std::unique_ptr<CausalLm> lm;
};

namespace {

ModelInfo describe(const std::string& folder, const ModelConfig& c, const Checkpoint& ckpt,
                   const LoadOptions& options) {
    ModelInfo info;
    info.folder = folder;
    info.architecture = c.architectureName;
    info.modelType = c.modelType;
    info.vocabSize = c.vocabSize;
    info.layers = c.layers;
    info.hidden = c.hidden;
    info.heads = c.heads;
    info.kvHeads = c.kvHeads;
    info.maxPositions = c.maxPositions;
    info.storedDtype = ckpt.storedDtypes();
    info.dtype = options.dtype;
    info.device = options.device;
    info.checkpointBytes = static_cast<int64_t>(ckpt.dataBytes());
    info.fileFormat = ckpt.format();
    info.bosId = c.bosId;
    // generate() reads generation_config.json first (Llama 3 lists its end-of-turn ids there).
    namespace fs = std::filesystem;
    info.eosIds = generationEosIds((fs::path(folder) / "generation_config.json").string());
    if (info.eosIds.empty()) {
        info.eosIds = c.eosIds;
    }
    info.eosId = info.eosIds.empty() ? std::nullopt : std::optional<int32_t>(info.eosIds.front());
    return info;
}

/// The folder holding config.json: the model folder, else options.configDir (a policy.pt
/// folder holds only weights).
std::string configFolder(const std::string& folder, const LoadOptions& options) {
    namespace fs = std::filesystem;
    if (fs::exists(fs::path(folder) / "config.json") || options.configDir.empty()) {
        return folder;
    }
    return options.configDir;
}

Result<std::pair<ModelConfig, std::shared_ptr<Checkpoint>>> openFolder(const std::string& folder,
                                                                       const LoadOptions& options) {
    namespace fs = std::filesystem;
    const fs::path configPath = fs::path(configFolder(folder, options)) / "config.json";
    if (!fs::exists(configPath) && fs::exists(fs::path(folder) / "policy.pt")) {
        return Error{folder + ": policy.pt holds only weights and the folder has no config.json; "
                              "copy the base model's config.json and tokenizer files beside it, "
                              "or give --config DIR (the base model's folder)"};
    }
    auto config = ModelConfig::fromFile(configPath.string());
    if (!config) {
        return Error{config.error()};
    }
    auto ckpt = Checkpoint::open(folder);
    if (!ckpt) {
        return Error{ckpt.error()};
    }
    return std::make_pair(config.value(), std::make_shared<Checkpoint>(std::move(ckpt.value())));
}

/// The adapter folder's config, its resolved base and its tensors matched to the base.
struct OpenedAdapter {
    LoraAdapter adapter;
    ModelInfo baseInfo; ///< Model::inspect of the base folder
};

AdapterInfo describeAdapter(const LoraAdapter& a) {
    AdapterInfo info;
    info.folder = a.folder;
    info.baseFolder = a.baseFolder;
    info.baseModel = a.config.baseModel;
    info.rank = a.config.rank;
    info.alpha = a.config.alpha;
    info.scaling = a.config.scaling();
    info.rslora = a.config.rslora;
    info.targetModules = a.config.targetModules;
    if (!a.config.targetRegex.empty()) {
        info.targetModules = {a.config.targetRegex};
    }
    info.modulesToSave = a.config.modulesToSave;
    info.adaptedModules = static_cast<int>(a.targets.size());
    info.parameters = a.parameterCount();
    info.fileFormat = a.file->format();
    return info;
}

} // namespace

/// Reads the adapter's config, finds its base and matches the adapter's tensors to the base's
/// weights (headers only).
static Result<OpenedAdapter> openAdapter(const std::string& folder, const LoadOptions& options) {
    auto config = readLoraConfig(folder);
    if (!config) {
        return Error{config.error()};
    }
    auto baseFolder = resolveLoraBase(folder, config.value(), options.baseDir);
    if (!baseFolder) {
        return Error{baseFolder.error()};
    }
    if (isAdapterFolder(baseFolder.value())) {
        return Error{folder + ": the base " + baseFolder.value() +
                     " is itself an adapter; stacked adapters are not supported"};
    }
    auto baseInfo = Model::inspect(baseFolder.value(), options);
    if (!baseInfo) {
        return Error{"base model of " + folder + ": " + baseInfo.error()};
    }
    const auto configPath = std::filesystem::path(baseInfo->configFolder) / "config.json";
    auto baseConfig = ModelConfig::fromFile(configPath.string());
    if (!baseConfig) {
        return Error{baseConfig.error()};
    }
    auto adapter =
        LoraAdapter::open(folder, baseFolder.value(), config.value(), baseConfig.value());
    if (!adapter) {
        return Error{adapter.error()};
    }
    return OpenedAdapter{std::move(adapter.value()), std::move(baseInfo.value())};
}

Model::Model(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Model::~Model() = default;

const ModelInfo& Model::info() const {
    return m_impl->info;
}

CausalLm& Model::lm() {
    return *m_impl->lm;
}

Result<ModelInfo> Model::inspect(const std::string& folder, const LoadOptions& options) {
    if (isAdapterFolder(folder)) {
        return inspectAdapter(folder, options);
    }
    return catchAll([&]() -> Result<ModelInfo> {
        auto opened = openFolder(folder, options);
        if (!opened) {
            return Error{opened.error()};
        }
        const auto& [config, ckpt] = opened.value();
        ModelInfo info = describe(folder, config, *ckpt, options);
        info.configFolder = configFolder(folder, options);
        const int64_t elem = at::elementSize(parseDtype(options.dtype));
        // bf16/f16 matrices stay as stored when computing in f32 on the CPU (issue #19).
        const bool keepHalf = !options.upcastHalfWeights && elem == 4 &&
                              parseDevice(options.device).is_cpu();
        int64_t params = 0, weightBytes = 0;
        std::set<const uint8_t*> seen; // a tied head sharing the embedding's storage counts once
        for (const std::string& name : ckpt->names()) {
            const TensorEntry* e = ckpt->find(name);
            if ((e->dtype == "F32" || e->dtype == "F16" || e->dtype == "BF16") &&
                e->numel() > 0 && seen.insert(e->data).second) {
                params += e->numel();
                const bool half = e->dtype != "F32" && e->shape.size() == 2;
                weightBytes += e->numel() * (keepHalf && half ? 2 : elem);
            }
        }
        info.parameters = params;
        info.weightBytes = weightBytes;
        info.kvCacheBytes =
            int64_t(2) * config.layers * config.kvHeads * config.headDim * config.maxPositions * elem;
        // Weights in the compute dtype, plus a 2048-token KV cache and activations (~10%).
        const int64_t kv = int64_t(2) * config.layers * config.kvHeads * config.headDim * 2048 * 4;
        info.estimatedBytes = weightBytes + kv + params * elem / 10;
        return info;
    });
}

Result<std::unique_ptr<Model>> Model::load(const std::string& folder, const LoadOptions& options,
                                           const ProgressFn& progress) {
    if (isAdapterFolder(folder)) {
        auto pair = loadAdapterPair(folder, options, progress);
        if (!pair) {
            return Error{pair.error()};
        }
        return std::move(pair.value().first); // the base tensors live on in the policy
    }
    try {
        auto opened = openFolder(folder, options);
        if (!opened) {
            return Error{opened.error()};
        }
        auto& [config, ckpt] = opened.value();
        const at::ScalarType dtype = parseDtype(options.dtype);
        const at::Device device = parseDevice(options.device);
        if (dtype == at::kHalf && device.is_cpu()) {
            // LibTorch has no CPU kernels for half LayerNorm/softmax: the first forward failed
            // inside it (issue #18). f16 weights themselves load fine in f32 or bf16.
            return Error{folder + ": compute dtype f16 is not supported on the CPU (LibTorch has "
                                  "no float16 CPU kernels); use --dtype f32 (the default; f16 "
                                  "weights are converted) or bf16, or f16 on a CUDA device"};
        }
        auto inspected = inspect(folder, options);
        if (inspected && options.checkMemory) {
            if (Status fits = checkMemoryFor({*inspected}, folder + ": the model needs",
                                            adviceOf(options)); !fits) {
                return Error{fits.error()};
            }
        }
        auto impl = std::make_unique<Impl>();
        impl->info = describe(folder, config, *ckpt, options);
        impl->lm = CausalLm::load(config, ckpt, dtype, device, progress,
                                  /*keepHalfWeights=*/!options.upcastHalfWeights);
        if (options.copyWeights && impl->lm->aliasesCheckpoint()) {
            impl->lm->detachFromCheckpoint(); // --no-mmap: nothing points into the file
        }
        impl->info.parameters = impl->lm->parameterCount();
        impl->info.estimatedBytes = inspected ? inspected->estimatedBytes : 0;
        impl->info.weightBytes = 0; // as held: bf16/f16 matrices kept as stored count 2 bytes
        for (const at::Tensor& t : impl->lm->parameters()) {
            impl->info.weightBytes += static_cast<int64_t>(t.nbytes());
        }
        impl->info.kvCacheBytes = inspected ? inspected->kvCacheBytes : 0;
        impl->info.configFolder = configFolder(folder, options);
        return std::unique_ptr<Model>(new Model(std::move(impl)));
    } catch (const CausalLm::Cancelled&) {
        return Error{kCancelledMessage};
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

Result<std::vector<float>> Model::logprobs(const std::vector<int32_t>& ids) const {
    try {
        if (ids.size() < 2) {
            return std::vector<float>{};
        }
        for (int32_t id : ids) {
            if (id < 0 || id >= m_impl->info.vocabSize) {
                return Error{"token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                             std::to_string(m_impl->info.vocabSize - 1) + ")"};
            }
        }
        c10::InferenceMode guard;
        const CausalLm& lm = *m_impl->lm;
        std::vector<int64_t> ids64(ids.begin(), ids.end());
        at::Tensor input = at::tensor(ids64, at::kLong).view({1, -1}); // [1, n]
        KvCache cache = lm.makeCache();
        at::Tensor hidden = lm.forward(input, &cache);                     // [1, n, H]
        const int64_t n = input.size(1);
        at::Tensor next = input[0].narrow(0, 1, n - 1);                   // [n-1]
        at::Tensor picked = lm.targetLogprobs(hidden[0].narrow(0, 0, n - 1), next).cpu().contiguous();
        const float* p = picked.data_ptr<float>();
        return std::vector<float>(p, p + picked.numel());
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

Result<TopK> Model::topK(const std::vector<int32_t>& ids, int k) const {
    try {
        if (ids.empty() || k <= 0) {
            return TopK{};
        }
        c10::InferenceMode guard;
        const CausalLm& lm = *m_impl->lm;
        std::vector<int64_t> ids64(ids.begin(), ids.end());
        at::Tensor input = at::tensor(ids64, at::kLong).view({1, -1});
        at::Tensor lp = lm.logSoftmax(lm.forward(input, nullptr))[0]; // [n, V]
        k = std::min<int>(k, static_cast<int>(lp.size(1)));
        auto [values, indices] = lp.topk(k, -1);
        values = values.cpu().contiguous();
        indices = indices.cpu().contiguous();
        TopK out(lp.size(0));
        for (int64_t i = 0; i < lp.size(0); ++i) {
            for (int j = 0; j < k; ++j) {
                out[i].emplace_back(static_cast<int32_t>(indices[i][j].item<int64_t>()),
                                    values[i][j].item<float>());
            }
        }
        return out;
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

int64_t Model::sharedWeightBytes(const Model& other) const {
    std::set<const void*> theirs;
    for (const at::Tensor& t : other.m_impl->lm->parameters()) {
        theirs.insert(t.data_ptr());
    }
    int64_t bytes = 0;
    for (const at::Tensor& t : m_impl->lm->parameters()) {
        if (theirs.count(t.data_ptr())) {
            bytes += t.numel() * static_cast<int64_t>(t.element_size());
        }
    }
    return bytes;
}

Result<ModelInfo> Model::inspectAdapter(const std::string& folder, const LoadOptions& options) {
    return catchAll([&]() -> Result<ModelInfo> {
        auto opened = openAdapter(folder, options);
        if (!opened) {
            return Error{opened.error()};
        }
        ModelInfo info = opened->baseInfo;
        info.folder = folder;
        info.adapter = describeAdapter(opened->adapter);
        const int64_t elem = at::elementSize(parseDtype(options.dtype));
        info.parameters += info.adapter->parameters;
        info.weightBytes += info.adapter->parameters * elem;
        info.estimatedBytes += info.adapter->parameters * elem;
        info.checkpointBytes += static_cast<int64_t>(opened->adapter.file->dataBytes());
        return info;
    });
}

Result<std::pair<std::unique_ptr<Model>, std::unique_ptr<Model>>>
Model::loadAdapterPair(const std::string& folder, const LoadOptions& options,
                       const ProgressFn& progress) {
    try {
        auto opened = openAdapter(folder, options);
        if (!opened) {
            return Error{opened.error()};
        }
        const std::string& baseFolder = opened->adapter.baseFolder;
        auto base = load(baseFolder, options, progress);
        if (!base) {
            return Error{base.error() == kCancelledMessage ? base.error()
                                                           : "base model: " + base.error()};
        }
        auto policy = std::make_unique<Impl>();
        policy->lm = base.value()->m_impl->lm->withAdapter(opened->adapter);
        policy->info = base.value()->info();
        policy->info.folder = folder;
        policy->info.adapter = describeAdapter(opened->adapter);
        policy->info.parameters += policy->info.adapter->parameters;
        return std::make_pair(std::unique_ptr<Model>(new Model(std::move(policy))),
                              std::move(base.value()));
    } catch (const std::exception& e) {
        return Error{describeTorchError(e)};
    }
}

} // namespace cl
