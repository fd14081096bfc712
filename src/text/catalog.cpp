#include "text/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace bia::text {

using nlohmann::json;

core::Result<Catalog> Catalog::Parse(std::string_view json_text) {
    const json j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return core::BadRequest("a message catalogue must be a JSON object");
    Catalog c;
    auto lang = j.find("language");
    if (lang == j.end() || !lang->is_string() || lang->get_ref<const std::string&>().empty())
        return core::BadRequest("a message catalogue needs its \"language\" (e.g. \"de\")");
    c.language_ = lang->get<std::string>();
    std::transform(c.language_.begin(), c.language_.end(), c.language_.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    if (auto m = j.find("messages"); m != j.end()) {
        if (!m->is_object()) return core::BadRequest("\"messages\" must map message ids to texts");
        for (const auto& [key, value] : m->items()) {
            char* end = nullptr;
            const long id = std::strtol(key.c_str(), &end, 10);
            if (key.empty() || *end != '\0' || id <= 0 || !value.is_string())
                return core::BadRequest("\"messages\": \"" + key + "\" is not a message id with a text");
            c.messages_[static_cast<int>(id)] = value.get<std::string>();
        }
    }
    if (auto p = j.find("phrases"); p != j.end()) {
        if (!p->is_object()) return core::BadRequest("\"phrases\" must map phrase keys to texts");
        for (const auto& [key, value] : p->items()) {
            if (!value.is_string()) return core::BadRequest("\"phrases\": \"" + key + "\" has no text");
            c.phrases_[key] = value.get<std::string>();
        }
    }
    return c;
}

std::string Catalog::Message(int id, const json& context, std::string_view english) const {
    auto it = messages_.find(id);
    if (it == messages_.end()) return std::string(english);
    const std::string& tpl = it->second;
    std::string out;
    out.reserve(tpl.size());
    for (size_t i = 0; i < tpl.size(); ++i) {
        if (tpl[i] == '{') {
            const size_t close = tpl.find('}', i);
            if (close != std::string::npos && context.is_object()) {
                auto v = context.find(tpl.substr(i + 1, close - i - 1));
                if (v != context.end()) {
                    out += v->is_string() ? v->get<std::string>() : v->dump();
                    i = close;
                    continue;
                }
            }
        }
        out += tpl[i];
    }
    return out;
}

std::string Catalog::Phrase(std::string_view key, std::string_view english) const {
    auto it = phrases_.find(key);
    return it == phrases_.end() ? std::string(english) : it->second;
}

const Catalog* PickCatalog(std::string_view accept_language, const std::vector<Catalog>& catalogs) {
    const Catalog* best = nullptr;
    double best_q = 0;
    size_t start = 0;
    while (start <= accept_language.size() && !catalogs.empty()) {
        const size_t comma = std::min(accept_language.find(',', start), accept_language.size());
        std::string_view item = accept_language.substr(start, comma - start);
        start = comma + 1;
        double q = 1;
        if (auto semi = item.find(';'); semi != std::string_view::npos) {
            std::string_view param = item.substr(semi + 1);
            item = item.substr(0, semi);
            while (!param.empty() && param.front() == ' ') param.remove_prefix(1);
            if (param.starts_with("q=")) {
                const std::string value(param.substr(2));
                char* end = nullptr;
                q = std::strtod(value.c_str(), &end);
                if (end == value.c_str()) q = 0;  // not a number: not acceptable
            }
        }
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        std::string tag(item.substr(0, item.find('-')));
        std::transform(tag.begin(), tag.end(), tag.begin(),
                       [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (tag == "en" && q > best_q) {
            best = nullptr;  // English is built in
            best_q = q;
            continue;
        }
        for (const Catalog& c : catalogs) {
            if (c.language() == tag && q > best_q) {
                best = &c;
                best_q = q;
            }
        }
    }
    return best;
}

}  // namespace bia::text
