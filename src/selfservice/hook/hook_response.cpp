#include "selfservice/hook/hook_response.hpp"

#include <limits>
#include <sstream>

#include "core/encoding.hpp"

namespace bia::selfservice::hook {
namespace {

constexpr std::string_view kUndecodable = "webhook response could not be unmarshalled properly from JSON";

core::Error Undecodable(std::string_view why) {
    return core::Internal(std::string(kUndecodable) + ": " + std::string(why));
}

// Go decodes a JSON number into an int only when it is an integer literal in range.
bool ReadInt(const nlohmann::json& v, int64_t& out) {
    if (v.is_number_integer()) {
        if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
            return false;
        out = v.get<int64_t>();
        return true;
    }
    return false;
}

bool IsStringOrNull(const nlohmann::json& v) { return v.is_string() || v.is_null(); }

}  // namespace

std::string NodeNameOf(std::string_view instance_ptr) {
    if (!instance_ptr.starts_with("#/")) return std::string(instance_ptr);
    std::string out;
    std::string_view rest = instance_ptr.substr(2);
    bool first = true;
    while (true) {
        const size_t slash = rest.find('/');
        std::string segment(rest.substr(0, slash));
        std::string unescaped;
        for (size_t i = 0; i < segment.size(); ++i) {
            if (segment[i] == '~' && i + 1 < segment.size() && (segment[i + 1] == '1' || segment[i + 1] == '0')) {
                unescaped += segment[i + 1] == '1' ? '/' : '~';
                ++i;
            } else {
                unescaped += segment[i];
            }
        }
        auto decoded = core::PercentDecode(unescaped, false);
        if (!decoded) return "";  // Kratos drops the pointer on a bad escape: a flow-level message
        std::string escaped;
        for (char c : *decoded) {
            if (c == '.') escaped += '\\';
            escaped += c;
        }
        if (!first) out += '.';
        out += escaped;
        first = false;
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    return out;
}

core::Result<std::vector<HookValidation>> ParseRejection(std::string_view body) {
    nlohmann::json doc;
    try {
        std::istringstream in{std::string(body)};
        in >> doc;
    } catch (const std::exception& e) {
        return Undecodable(e.what());
    }
    std::vector<HookValidation> out;
    if (doc.is_null()) return core::Internal("error while parsing webhook response: got no validation errors");
    if (!doc.is_object()) return Undecodable("the answer is not a JSON object");
    const auto messages = doc.find("messages");
    if (messages != doc.end() && !messages->is_null()) {
        if (!messages->is_array()) return Undecodable("\"messages\" is not an array");
        for (const auto& entry : *messages) {
            if (entry.is_null()) {
                out.push_back({});
                continue;
            }
            if (!entry.is_object()) return Undecodable("a \"messages\" entry is not an object");
            HookValidation v;
            if (auto p = entry.find("instance_ptr"); p != entry.end()) {
                if (!IsStringOrNull(*p)) return Undecodable("\"instance_ptr\" is not a string");
                if (p->is_string()) v.instance_ptr = p->get<std::string>();
            }
            if (auto list = entry.find("messages"); list != entry.end() && !list->is_null()) {
                if (!list->is_array()) return Undecodable("\"messages\" of an entry is not an array");
                for (const auto& m : *list) {
                    HookMessage msg;
                    if (m.is_null()) {
                        msg.type = "info";
                        v.messages.push_back(std::move(msg));
                        continue;
                    }
                    if (!m.is_object()) return Undecodable("a message is not an object");
                    if (auto id = m.find("id"); id != m.end() && !id->is_null()) {
                        if (!ReadInt(*id, msg.id)) return Undecodable("a message \"id\" is not an integer");
                    }
                    if (auto text = m.find("text"); text != m.end()) {
                        if (!IsStringOrNull(*text)) return Undecodable("a message \"text\" is not a string");
                        if (text->is_string()) msg.text = text->get<std::string>();
                    }
                    std::string type;
                    if (auto t = m.find("type"); t != m.end()) {
                        if (!IsStringOrNull(*t)) return Undecodable("a message \"type\" is not a string");
                        if (t->is_string()) type = t->get<std::string>();
                    }
                    msg.type = type == "error" ? "error" : "info";
                    if (auto c = m.find("context"); c != m.end()) msg.context = *c;
                    v.messages.push_back(std::move(msg));
                }
            }
            out.push_back(std::move(v));
        }
    }
    if (out.empty()) return core::Internal("error while parsing webhook response: got no validation errors");
    return out;
}

core::Result<nlohmann::json> ParseIdentityPatch(std::string_view body) {
    nlohmann::json doc = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
    if (doc.is_discarded()) return Undecodable(body.empty() ? "the answer is empty" : "the answer is not JSON");
    nlohmann::json patch = nlohmann::json::object();
    if (doc.is_null()) return patch;
    if (!doc.is_object()) return Undecodable("the answer is not a JSON object");
    const auto identity = doc.find("identity");
    if (identity == doc.end() || identity->is_null()) return patch;
    if (!identity->is_object()) return Undecodable("\"identity\" is not an object");
    const nlohmann::json& id = *identity;

    for (const char* key : {"schema_id", "state"}) {
        if (auto v = id.find(key); v != id.end()) {
            if (!IsStringOrNull(*v)) return Undecodable(std::string("\"identity.") + key + "\" is not a string");
            if (v->is_string() && !v->get<std::string>().empty()) patch[key] = *v;
        }
    }
    for (const char* key : {"verifiable_addresses", "recovery_addresses"}) {
        if (auto v = id.find(key); v != id.end() && !v->is_null()) {
            if (!v->is_array()) return Undecodable(std::string("\"identity.") + key + "\" is not an array");
            for (const auto& a : *v)
                if (!a.is_object() && !a.is_null())
                    return Undecodable(std::string("an \"identity.") + key + "\" entry is not an object");
            if (!v->empty()) patch[key] = *v;
        }
    }
    // Raw JSON fields: Kratos copies them whenever they are present, even as null.
    for (const char* key : {"traits", "metadata_public", "metadata_admin"}) {
        if (auto v = id.find(key); v != id.end()) patch[key] = *v;
    }
    if (auto v = id.find("external_id"); v != id.end()) {
        if (!IsStringOrNull(*v)) return Undecodable("\"identity.external_id\" is not a string");
        patch["external_id"] = *v;
    }
    return patch;
}

nlohmann::json ToJson(const std::vector<HookValidation>& validations) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& v : validations) {
        nlohmann::json messages = nlohmann::json::array();
        for (const auto& m : v.messages) {
            nlohmann::json j = {{"id", m.id}, {"text", m.text}, {"type", m.type}};
            if (!m.context.is_null()) j["context"] = m.context;
            messages.push_back(std::move(j));
        }
        list.push_back({{"instance_ptr", v.instance_ptr}, {"messages", std::move(messages)}});
    }
    return {{"messages", std::move(list)}};
}

}  // namespace bia::selfservice::hook
