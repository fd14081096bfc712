#include "selfservice/flow/continuity.hpp"

#include <openssl/crypto.h>

#include "selfservice/flow/flow_errors.hpp"

namespace bia::selfservice {

namespace {

// A payload is at most the 1 MiB request body (128 chunks); anything far longer is not ours.
constexpr size_t kMaxSealedChunks = 1024;

std::string ChunkName(const core::Uuid& id, size_t index, size_t count) {
    return "bia continuity payload " + id.ToString() + " " + std::to_string(index) + "/" + std::to_string(count);
}

core::Error NotOpenable() { return core::BadRequest("The continuity container could not be opened."); }

}  // namespace

core::Result<nlohmann::json> SealContinuityPayload(const crypto::CookieSealer& sealer, const core::Uuid& id,
                                                   const nlohmann::json& payload) {
    std::string text = payload.dump();
    const size_t count = text.empty() ? 1 : (text.size() + kContinuitySealChunk - 1) / kContinuitySealChunk;
    nlohmann::json chunks = nlohmann::json::array();
    core::Status status;
    for (size_t i = 0; i < count; ++i) {
        const std::string_view part = std::string_view(text).substr(i * kContinuitySealChunk, kContinuitySealChunk);
        auto sealed = sealer.Seal(ChunkName(id, i, count), part);
        if (!sealed) {
            status = std::move(sealed).error();
            break;
        }
        chunks.push_back(std::move(*sealed));
    }
    OPENSSL_cleanse(text.data(), text.size());
    if (!status) return std::move(status).error();
    return nlohmann::json{{"sealed", std::move(chunks)}};
}

core::Result<nlohmann::json> OpenContinuityPayload(const crypto::CookieSealer& sealer, const core::Uuid& id,
                                                   const nlohmann::json& stored) {
    if (!stored.is_object() || stored.size() != 1) return NotOpenable();
    auto it = stored.find("sealed");
    if (it == stored.end() || !it->is_array() || it->empty() || it->size() > kMaxSealedChunks) return NotOpenable();
    const size_t count = it->size();
    std::string text;
    for (size_t i = 0; i < count; ++i) {
        const auto& chunk = (*it)[i];
        if (!chunk.is_string()) return NotOpenable();
        auto opened = sealer.Open(ChunkName(id, i, count), chunk.get_ref<const std::string&>());
        if (!opened) {
            OPENSSL_cleanse(text.data(), text.size());
            return NotOpenable();
        }
        text += *opened;
        OPENSSL_cleanse(opened->data(), opened->size());
    }
    auto payload = nlohmann::json::parse(text, nullptr, false);
    OPENSSL_cleanse(text.data(), text.size());
    if (payload.is_discarded()) return NotOpenable();
    return payload;
}

core::Status SealedContinuityRepository::Create(const ContinuityContainer& container) {
    ContinuityContainer stored = container;
    BIA_TRY_ASSIGN(stored.payload, SealContinuityPayload(sealer_, container.id, container.payload));
    return stored_.Create(stored);
}

core::Result<ContinuityContainer> SealedContinuityRepository::Get(const core::Uuid& id) {
    BIA_TRY_ASSIGN(ContinuityContainer c, stored_.Get(id));
    auto payload = OpenContinuityPayload(sealer_, c.id, c.payload);
    if (!payload) {
        // Unusable for good (written before sealing, tampered with, or its secret was retired).
        (void)stored_.Delete(id);
        return FlowNotFound();
    }
    c.payload = std::move(*payload);
    return c;
}

std::string ContinuityRefs::Encode() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, id] : containers) j[name] = id.ToString();
    return j.dump();
}

ContinuityRefs ContinuityRefs::Decode(std::string_view text) {
    ContinuityRefs refs;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return refs;
    for (const auto& [name, value] : j.items()) {
        if (!value.is_string()) continue;
        if (auto id = core::Uuid::Parse(value.get<std::string>())) refs.containers[name] = *id;
    }
    return refs;
}

}  // namespace bia::selfservice
