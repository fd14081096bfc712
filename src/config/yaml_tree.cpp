#include "config/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>

namespace bia::config {
namespace {

using nlohmann::json;

// Aliases can make a YAML graph arbitrarily deep; real configs are a handful of levels.
constexpr int kMaxDepth = 64;

constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";

core::Error YamlError(std::string_view source, const YAML::Mark& mark, const std::string& what) {
    std::string reason = "config: " + std::string(source);
    if (!mark.is_null())
        reason += ": line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
    return core::Internal(reason + ": " + what);
}

std::optional<json> ParseInteger(std::string_view s) {
    bool neg = false;
    std::string_view digits = s;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
        neg = digits[0] == '-';
        digits.remove_prefix(1);
    }
    int base = 10;
    if (!neg && s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        digits = s.substr(2);
    }
    if (digits.empty()) return std::nullopt;
    unsigned long long v = 0;
    for (char c : digits) {
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (base == 16 && c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            return std::nullopt;
        if (d >= base) return std::nullopt;
        if (v >
            (std::numeric_limits<unsigned long long>::max() - static_cast<unsigned>(d)) / static_cast<unsigned>(base))
            return std::nullopt;
        v = v * static_cast<unsigned>(base) + static_cast<unsigned>(d);
    }
    if (neg) {
        if (v > static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()) + 1) return std::nullopt;
        return json(v == static_cast<unsigned long long>(std::numeric_limits<int64_t>::max()) + 1
                        ? std::numeric_limits<int64_t>::min()
                        : -static_cast<int64_t>(v));
    }
    if (v <= static_cast<unsigned long long>(std::numeric_limits<int64_t>::max())) return json(static_cast<int64_t>(v));
    return json(static_cast<uint64_t>(v));
}

std::optional<json> ParseFloat(std::string_view s) {
    static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    static const std::regex kInf(R"([-+]?\.(inf|Inf|INF))");
    static const std::regex kNan(R"(\.(nan|NaN|NAN))");
    const std::string str(s);
    if (std::regex_match(str, kFloat)) return json(std::strtod(str.c_str(), nullptr));
    if (std::regex_match(str, kInf))
        return json(str[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity());
    if (std::regex_match(str, kNan)) return json(std::numeric_limits<double>::quiet_NaN());
    return std::nullopt;
}

core::Result<json> Convert(const YAML::Node& node, std::string_view source, int depth) {
    if (depth > kMaxDepth) return YamlError(source, node.Mark(), "document nests too deeply");
    switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            return json(nullptr);
        case YAML::NodeType::Scalar: {
            const std::string& text = node.Scalar();
            const std::string& tag = node.Tag();
            // "!" marks a quoted (non-plain) scalar: always a string.
            if (tag == "!" || tag == kTagStr) return json(text);
            if (tag == "?" || tag.empty()) return ResolvePlainScalar(text);
            if (tag == kTagInt) {
                if (auto v = ParseInteger(text)) return *v;
                return YamlError(source, node.Mark(), "\"" + text + "\" is not an integer");
            }
            if (tag == kTagFloat) {
                if (auto v = ParseInteger(text)) return json(v->get<double>());
                if (auto v = ParseFloat(text)) return *v;
                return YamlError(source, node.Mark(), "\"" + text + "\" is not a number");
            }
            if (tag == kTagBool || tag == kTagNull) {
                json v = ResolvePlainScalar(text);
                if ((tag == kTagBool && v.is_boolean()) || (tag == kTagNull && v.is_null())) return v;
                return YamlError(source, node.Mark(), "\"" + text + "\" does not match tag " + tag);
            }
            return json(text);  // unknown local tags: keep the text
        }
        case YAML::NodeType::Sequence: {
            json out = json::array();
            for (const auto& item : node) {
                auto v = Convert(item, source, depth + 1);
                if (!v) return std::move(v).error();
                out.push_back(std::move(v).value());
            }
            return out;
        }
        case YAML::NodeType::Map: {
            json out = json::object();
            for (const auto& kv : node) {
                if (!kv.first.IsScalar()) return YamlError(source, kv.first.Mark(), "map keys must be plain strings");
                const std::string& key = kv.first.Scalar();
                if (out.contains(key))
                    return YamlError(source, kv.first.Mark(), "key \"" + key + "\" is defined twice");
                auto v = Convert(kv.second, source, depth + 1);
                if (!v) return std::move(v).error();
                out[key] = std::move(v).value();
            }
            return out;
        }
    }
    return json(nullptr);
}

}  // namespace

json ResolvePlainScalar(std::string_view text) {
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    if (auto v = ParseInteger(text)) return *v;
    if (auto v = ParseFloat(text)) return *v;
    return std::string(text);
}

core::Result<json> ParseYaml(std::string_view text, std::string_view source) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return YamlError(source, e.mark, e.msg);
    }
    core::Result<json> converted = json(nullptr);
    try {
        converted = Convert(root, source, 0);
    } catch (const YAML::Exception& e) {  // yaml-cpp may still throw on malformed nodes
        return YamlError(source, e.mark, e.msg);
    }
    if (!converted) return converted;
    if (converted->is_null()) return json::object();
    if (!converted->is_object())
        return core::Internal("config: " + std::string(source) + ": the top level must be a map of keys");
    return converted;
}

core::Result<json> ReadYamlFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int err = errno;
        return core::Internal("config: cannot read config file \"" + path + "\": " + std::strerror(err));
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return core::Internal("config: cannot read config file \"" + path + "\"");
    return ParseYaml(buf.str(), path);
}

void MergeTree(json& base, const json& overlay) {
    if (base.is_object() && overlay.is_object()) {
        for (const auto& [key, value] : overlay.items()) {
            auto it = base.find(key);
            if (it == base.end())
                base[key] = value;
            else
                MergeTree(*it, value);
        }
        return;
    }
    base = overlay;
}

const json* FindAtPath(const json& root, std::string_view dotted_path) {
    const json* cur = &root;
    while (true) {
        const size_t dot = dotted_path.find('.');
        const std::string key(dotted_path.substr(0, dot));
        if (!cur->is_object()) return nullptr;
        auto it = cur->find(key);
        if (it == cur->end()) return nullptr;
        cur = &*it;
        if (dot == std::string_view::npos) return cur;
        dotted_path.remove_prefix(dot + 1);
    }
}

void SetAtPath(json& root, std::string_view dotted_path, json value) {
    json* cur = &root;
    while (true) {
        if (!cur->is_object()) *cur = json::object();
        const size_t dot = dotted_path.find('.');
        json& next = (*cur)[std::string(dotted_path.substr(0, dot))];
        if (dot == std::string_view::npos) {
            next = std::move(value);
            return;
        }
        cur = &next;
        dotted_path.remove_prefix(dot + 1);
    }
}

}  // namespace bia::config
