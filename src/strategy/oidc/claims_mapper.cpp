// ClaimsMapper (declared in oidc_provider.hpp): a provider's Jsonnet mapper on libjsonnet.
#include "core/encoding.hpp"
#include "jsonnet/sandbox.hpp"
#include "strategy/oidc/oidc_provider.hpp"

namespace bia::strategy::oidc {

// Named (not anonymous) so the unity build can merge this file with the folder's others.
namespace mapper_internal {

constexpr std::string_view kFileScheme = "file://";
constexpr std::string_view kBase64Scheme = "base64://";
constexpr size_t kMaxSourceBytes = size_t{64} << 10;
constexpr size_t kMaxOutputBytes = size_t{256} << 10;
constexpr size_t kMaxErrorLength = 500;

std::string TrimError(std::string text) {
    if (text.size() > kMaxErrorLength) text = text.substr(0, kMaxErrorLength) + "...";
    return text;
}

}  // namespace mapper_internal

core::Result<ClaimsMapper> ClaimsMapper::Load(std::string_view mapper_url, net::HttpClient& http) {
    using namespace mapper_internal;
    const std::string url(mapper_url);
    std::string display = url;
    std::string source;
    if (url.starts_with(kBase64Scheme)) {
        // The whole mapper would make every error huge.
        if (url.size() > kBase64Scheme.size() + 16) display = url.substr(0, kBase64Scheme.size() + 16) + "...";
        auto decoded = core::Base64Decode(std::string_view(url).substr(kBase64Scheme.size()));
        if (!decoded) return core::Internal("the claims mapper " + display + " is not valid base64");
        source = std::move(*decoded);
    } else if (url.starts_with(kFileScheme)) {
        BIA_TRY_ASSIGN(source, jsonnet::ReadFile(url.substr(kFileScheme.size()), kMaxSourceBytes));
    } else if (url.starts_with("https://") || url.starts_with("http://")) {
        net::HttpRequest request;
        request.url = url;
        request.max_body_bytes = kMaxSourceBytes;
        const auto answer = http.Send(request);
        if (!answer.ok()) return core::Internal("unable to fetch the claims mapper " + url + ": " + answer.error);
        if (answer.status != 200) {
            return core::Internal("unable to fetch the claims mapper " + url + ": HTTP " +
                                  std::to_string(answer.status));
        }
        source = answer.body;
    } else {
        return core::Internal("the claims mapper " + display +
                              " has an unsupported scheme (use file://, base64://, http:// or https://)");
    }
    if (source.size() > kMaxSourceBytes)
        return core::Internal("the claims mapper " + display + " is larger than 64 KiB");
    if (auto st = jsonnet::CheckSyntax(display, source); !st) {
        return core::Internal("the claims mapper " + display + " is not valid Jsonnet: " + st.error().reason);
    }
    ClaimsMapper mapper(std::move(source));
    mapper.name_ = "the claims mapper " + display;
    return mapper;
}

core::Result<nlohmann::json> ClaimsMapper::Map(const nlohmann::json& claims) const {
    using namespace mapper_internal;
    if (source_.size() > kMaxSourceBytes) return core::BadRequest(name_ + " is larger than 64 KiB");
    std::string claims_code;
    try {
        claims_code = claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } catch (const std::exception& e) {
        return core::BadRequest(std::string("unable to encode the claims: ") + e.what());
    }
    jsonnet::Evaluation result = jsonnet::Evaluate(name_, source_, {{"claims", claims_code}});
    auto& [ok, out] = result;
    if (!ok) return core::BadRequest(name_ + " failed: " + TrimError(std::move(out)));
    if (out.size() > kMaxOutputBytes) return core::BadRequest(name_ + " yielded more than 256 KiB");
    auto doc = nlohmann::json::parse(out, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return core::BadRequest(name_ + " did not yield an object");
    auto identity = doc.find("identity");
    if (identity == doc.end() || !identity->is_object()) {
        return core::BadRequest(name_ + " did not yield an \"identity\" object");
    }
    auto traits = identity->find("traits");
    if (traits == identity->end() || !traits->is_object()) {
        return core::BadRequest(name_ + " did not yield an \"identity.traits\" object");
    }
    return std::move(*identity);
}

}  // namespace bia::strategy::oidc
