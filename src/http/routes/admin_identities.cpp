#include "http/routes/admin_identities.hpp"

#include <algorithm>

#include <charconv>

#include <spdlog/spdlog.h>

#include "http/routes/body.hpp"
#include "identity/identity_json.hpp"
#include "session/session_json.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

std::optional<int64_t> ToInt(std::string_view s) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

core::Result<core::Uuid> PathId(const Request& r) {
    auto id = core::Uuid::Parse(r.Param("id"));
    if (!id) return core::ResourceNotFound();  // an id that cannot exist is simply not found
    return *id;
}

core::Result<identity::JsonOptions> IncludeCredential(const Request& r, const std::vector<std::string>& known) {
    identity::JsonOptions o;
    o.view = identity::JsonView::kAdmin;
    for (auto v : r.query.GetAll("include_credential")) {
        if (std::find(known.begin(), known.end(), v) == known.end()) {
            return core::BadRequest("Invalid value `" + std::string(v) + "` for parameter `include_credential`.");
        }
        o.include_config.emplace(v);
    }
    return o;
}

// The oidc credential's config as Kratos declassifies it for `include_credential=oidc`: per
// provider, its subject and provider (and organization, use_auto_link when set) plus the three
// initial tokens decrypted. A token that does not decrypt (a retired key, a damaged value) is
// shown as "", as Kratos does, and logged without its value: one bad token does not hide the
// identity. Other stored fields are not shown.
json DeclassifyOidcConfig(const json& stored, const crypto::TokenCipher* cipher, const core::Uuid& identity_id) {
    json providers = json::array();
    const auto it = stored.find("providers");
    if (it != stored.end() && it->is_array()) {
        for (const json& p : *it) {
            if (!p.is_object()) continue;
            auto text = [&](const char* key) {
                const auto v = p.find(key);
                return v != p.end() && v->is_string() ? v->get<std::string>() : std::string();
            };
            json out = json::object();
            for (const char* key : {"initial_id_token", "initial_access_token", "initial_refresh_token"}) {
                const std::string sealed = text(key);
                std::string plain;
                if (!sealed.empty()) {
                    auto opened = cipher ? cipher->Decrypt(sealed)
                                         : core::Result<std::string>(core::Internal("no token cipher configured"));
                    if (opened) {
                        plain = std::move(*opened);
                    } else {
                        json event = {{"msg", "oidc token could not be decrypted; shown as empty"},
                                      {"identity_id", identity_id.ToString()},
                                      {"provider", text("provider")},
                                      {"token", key},
                                      {"reason", opened.error().reason}};
                        spdlog::warn("{}", event.dump(-1, ' ', false, json::error_handler_t::replace));
                    }
                }
                out[key] = std::move(plain);
            }
            out["subject"] = text("subject");
            out["provider"] = text("provider");
            if (std::string org = text("organization"); !org.empty()) out["organization"] = std::move(org);
            if (const auto v = p.find("use_auto_link"); v != p.end() && v->is_boolean() && v->get<bool>()) {
                out["use_auto_link"] = true;
            }
            providers.push_back(std::move(out));
        }
    }
    return json{{"providers", std::move(providers)}};
}

std::optional<std::string> OptString(const json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return std::nullopt;
    return it->get<std::string>();
}

core::Status ExpectType(const json& body, const char* key, json::value_t type, const char* type_name) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return {};
    if (it->type() != type) {
        return core::BadRequest(std::string("Unable to decode JSON payload: json: cannot unmarshal ") +
                                it->type_name() + " into field `" + key + "` of type " + type_name);
    }
    return {};
}

core::Result<std::vector<identity::AddressInput>> Addresses(const json& body, const char* key) {
    std::vector<identity::AddressInput> out;
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array())
        return core::BadRequest(std::string("Unable to decode JSON payload: `") + key + "` must be an array");
    for (const auto& a : *it) {
        if (!a.is_object() || !a.contains("value") || !a["value"].is_string())
            return core::BadRequest(std::string("Unable to decode JSON payload: every `") + key +
                                    "` entry needs a string `value`");
        identity::AddressInput in;
        in.value = a["value"].get<std::string>();
        if (a.contains("via") && a["via"].is_string()) in.via = a["via"].get<std::string>();
        if (a.contains("verified") && a["verified"].is_boolean()) in.verified = a["verified"].get<bool>();
        if (a.contains("status") && a["status"].is_string()) in.status = a["status"].get<std::string>();
        out.push_back(std::move(in));
    }
    return out;
}

struct PasswordImport {
    std::optional<std::string> password, hashed_password;
    json oidc_providers;
};

core::Result<PasswordImport> Credentials(const json& body) {
    PasswordImport p;
    auto it = body.find("credentials");
    if (it == body.end() || it->is_null()) return p;
    if (!it->is_object()) return core::BadRequest("Unable to decode JSON payload: `credentials` must be an object");
    BIA_TRY(RejectUnknownFields(*it, {"password", "oidc"}));
    if (auto pw = it->find("password"); pw != it->end() && pw->is_object()) {
        auto cfg = pw->find("config");
        if (cfg != pw->end() && cfg->is_object()) {
            BIA_TRY(RejectUnknownFields(*cfg, {"password", "hashed_password"}));
            p.password = OptString(*cfg, "password");
            p.hashed_password = OptString(*cfg, "hashed_password");
        }
    }
    if (auto oidc = it->find("oidc"); oidc != it->end() && oidc->is_object()) {
        auto cfg = oidc->find("config");
        if (cfg != oidc->end() && cfg->is_object() && cfg->contains("providers"))
            p.oidc_providers = (*cfg)["providers"];
    }
    return p;
}

}  // namespace

core::Result<Page> ParsePage(const Request& r) {
    Page p;
    if (auto v = r.query.Get("page"); v && !v->empty()) {
        auto n = ToInt(*v);
        if (!n || *n < 0) return core::BadRequest("The page parameter must be a positive integer.");
        p.page = std::max<int64_t>(1, *n);
    }
    if (auto v = r.query.Get("per_page"); v && !v->empty()) {
        auto n = ToInt(*v);
        if (!n || *n < 1) return core::BadRequest("The per_page parameter must be a positive integer.");
        p.per_page = std::min<int64_t>(1000, *n);
    }
    return p;
}

void WritePaginationHeaders(Response& response, std::string_view path, const Page& page, int64_t total) {
    const int64_t last = std::max<int64_t>(1, (total + page.per_page - 1) / page.per_page);
    auto link = [&](int64_t p, const char* rel) {
        return "<" + std::string(path) + "?page=" + std::to_string(p) + "&per_page=" + std::to_string(page.per_page) +
               ">; rel=\"" + rel + "\"";
    };
    std::string value = link(1, "first");
    if (page.page < last) value += "," + link(page.page + 1, "next");
    if (page.page > 1) value += "," + link(std::min(page.page - 1, last), "prev");
    value += "," + link(last, "last");
    response.SetHeader("Link", value);
    response.SetHeader("X-Total-Count", std::to_string(total));
}

void AdminIdentityRoutes::Register(Router& admin) {
    admin.Add("GET", "/admin/identities", [this](Request& r) { return List(r); });
    admin.Add(
        "POST", "/admin/identities", [this](Request& r) { return Create(r); }, Execution::kOffload);
    admin.Add("GET", "/admin/identities/{id}", [this](Request& r) { return Get(r); });
    admin.Add(
        "PUT", "/admin/identities/{id}", [this](Request& r) { return Update(r); }, Execution::kOffload);
    admin.Add("DELETE", "/admin/identities/{id}", [this](Request& r) { return Delete(r); });
    admin.Add("GET", "/admin/identities/{id}/sessions", [this](Request& r) { return ListSessions(r); });
    admin.Add("DELETE", "/admin/identities/{id}/sessions", [this](Request& r) { return DeleteSessions(r); });
    admin.Add("PATCH", "/admin/sessions/{id}/extend", [this](Request& r) { return ExtendSession(r); });
}

Response AdminIdentityRoutes::List(Request& r) {
    auto page = ParsePage(r);
    if (!page) return Response::Error(page.error(), r.RequestId());
    identity::JsonOptions opts;
    opts.view = identity::JsonView::kAdmin;
    // ?credentials_identifier=: the identity (at most one) holding that identifier in any of the
    // credential types, normalised as a login would (Kratos's exact-match filter).
    if (auto wanted = r.query.Get("credentials_identifier"); wanted && !wanted->empty()) {
        if (wanted->size() > 1024) {
            return Response::Error(core::BadRequest("credentials_identifier is too long."), r.RequestId());
        }
        json out = json::array();
        for (const auto& type : options_.credential_types) {
            auto found = identities_.FindByCredentialIdentifier(type, *wanted);
            if (found) {
                out.push_back(identity::ToJson(*found, options_.public_base_url, opts));
                break;
            }
            if (found.error().code != 404) return Response::Error(found.error(), r.RequestId());
        }
        return Response::Json(200, out);
    }
    auto total = identities_.repository().Count();
    if (!total) return Response::Error(total.error(), r.RequestId());
    auto list = identities_.repository().List(page->offset(), page->per_page);
    if (!list) return Response::Error(list.error(), r.RequestId());
    json out = json::array();
    for (const auto& i : *list) out.push_back(identity::ToJson(i, options_.public_base_url, opts));
    auto resp = Response::Json(200, out);
    WritePaginationHeaders(resp, r.path, *page, *total);
    return resp;
}

Response AdminIdentityRoutes::Create(Request& r) {
    auto body = DecodeJsonBody(r);
    if (!body) return Response::Error(body.error(), r.RequestId());
    const json& b = *body;
    auto fail = [&](const core::Error& e) { return Response::Error(e, r.RequestId()); };
    if (auto s = RejectUnknownFields(b, {"schema_id", "traits", "state", "metadata_public", "metadata_admin",
                                         "verifiable_addresses", "recovery_addresses", "credentials"});
        !s)
        return fail(s.error());
    for (auto [key, type, name] : {std::tuple{"schema_id", json::value_t::string, "string"},
                                   std::tuple{"state", json::value_t::string, "string"},
                                   std::tuple{"traits", json::value_t::object, "object"}}) {
        if (auto s = ExpectType(b, key, type, name); !s) return fail(s.error());
    }
    identity::CreateIdentityInput in;
    in.schema_id = OptString(b, "schema_id").value_or("");
    in.traits = b.value("traits", json::object());
    in.state = OptString(b, "state");
    in.metadata_public = b.value("metadata_public", json());
    in.metadata_admin = b.value("metadata_admin", json());
    auto va = Addresses(b, "verifiable_addresses");
    if (!va) return fail(va.error());
    in.verifiable_addresses = std::move(*va);
    auto ra = Addresses(b, "recovery_addresses");
    if (!ra) return fail(ra.error());
    in.recovery_addresses = std::move(*ra);
    auto creds = Credentials(b);
    if (!creds) return fail(creds.error());
    in.password = creds->password;
    in.hashed_password = creds->hashed_password;
    in.oidc_providers = creds->oidc_providers;

    auto created = identities_.Create(in);
    if (!created) return fail(created.error());
    identity::JsonOptions opts;
    opts.view = identity::JsonView::kAdmin;
    auto resp = Response::Json(201, identity::ToJson(*created, options_.public_base_url, opts));
    resp.SetHeader("Location", core::JoinUrl(options_.admin_base_url, "/identities/" + created->id.ToString()));
    return resp;
}

Response AdminIdentityRoutes::Get(Request& r) {
    auto id = PathId(r);
    if (!id) return Response::Error(id.error(), r.RequestId());
    auto opts = IncludeCredential(r, options_.credential_types);
    if (!opts) return Response::Error(opts.error(), r.RequestId());
    auto i = identities_.repository().Get(*id);
    if (!i) return Response::Error(i.error(), r.RequestId());
    json out = identity::ToJson(*i, options_.public_base_url, *opts);
    // Stored OIDC tokens are encrypted; the admin asked for them, so they are shown opened.
    const auto oidc = std::string(identity::kCredentialOidc);
    if (opts->include_config.count(oidc) && out.contains("credentials") && out["credentials"].contains(oidc)) {
        if (const auto* c = i->FindCredential(oidc)) {
            out["credentials"][oidc]["config"] = DeclassifyOidcConfig(c->config, options_.token_cipher, i->id);
        }
    }
    return Response::Json(200, out);
}

Response AdminIdentityRoutes::Update(Request& r) {
    auto fail = [&](const core::Error& e) { return Response::Error(e, r.RequestId()); };
    auto id = PathId(r);
    if (!id) return fail(id.error());
    auto body = DecodeJsonBody(r);
    if (!body) return fail(body.error());
    const json& b = *body;
    if (auto s = RejectUnknownFields(
            b, {"schema_id", "traits", "state", "metadata_public", "metadata_admin", "credentials"});
        !s)
        return fail(s.error());
    if (!b.contains("traits") || !b["traits"].is_object())
        return fail(core::BadRequest("Unable to decode JSON payload: `traits` is required and must be an object"));
    for (auto [key, type, name] : {std::tuple{"schema_id", json::value_t::string, "string"},
                                   std::tuple{"state", json::value_t::string, "string"}}) {
        if (auto s = ExpectType(b, key, type, name); !s) return fail(s.error());
    }
    identity::UpdateIdentityInput in;
    in.schema_id = OptString(b, "schema_id").value_or("");
    in.traits = b["traits"];
    in.state = OptString(b, "state");
    in.metadata_public = b.value("metadata_public", json());
    in.metadata_admin = b.value("metadata_admin", json());
    auto creds = Credentials(b);
    if (!creds) return fail(creds.error());
    in.password = creds->password;
    in.hashed_password = creds->hashed_password;
    auto updated = identities_.Update(*id, in);
    if (!updated) return fail(updated.error());
    identity::JsonOptions opts;
    opts.view = identity::JsonView::kAdmin;
    return Response::Json(200, identity::ToJson(*updated, options_.public_base_url, opts));
}

Response AdminIdentityRoutes::Delete(Request& r) {
    auto id = PathId(r);
    if (!id) return Response::Error(id.error(), r.RequestId());
    if (auto s = identities_.repository().Delete(*id); !s) return Response::Error(s.error(), r.RequestId());
    return Response::NoContent();
}

Response AdminIdentityRoutes::ListSessions(Request& r) {
    auto id = PathId(r);
    if (!id) return Response::Error(id.error(), r.RequestId());
    std::optional<bool> active;
    if (auto a = r.query.Get("active"); a && !a->empty()) {
        if (*a == "true" || *a == "1")
            active = true;
        else if (*a == "false" || *a == "0")
            active = false;
        else
            return Response::Error(core::BadRequest("could not parse parameter active"), r.RequestId());
    }
    auto page = ParsePage(r);
    if (!page) return Response::Error(page.error(), r.RequestId());
    if (auto i = identities_.repository().Get(*id); !i) return Response::Error(i.error(), r.RequestId());
    auto total = sessions_.repository().CountByIdentity(*id, active);
    auto list = sessions_.repository().ListByIdentity(*id, active, page->offset(), page->per_page);
    if (!total) return Response::Error(total.error(), r.RequestId());
    if (!list) return Response::Error(list.error(), r.RequestId());
    json out = json::array();
    for (const auto& s : *list) out.push_back(session::ToJson(s, options_.public_base_url));
    auto resp = Response::Json(200, out);
    WritePaginationHeaders(resp, r.path, *page, *total);
    return resp;
}

Response AdminIdentityRoutes::DeleteSessions(Request& r) {
    auto id = PathId(r);
    if (!id) return Response::Error(id.error(), r.RequestId());
    if (auto i = identities_.repository().Get(*id); !i) return Response::Error(i.error(), r.RequestId());
    if (auto n = sessions_.repository().RevokeAll(*id); !n) return Response::Error(n.error(), r.RequestId());
    return Response::NoContent();
}

Response AdminIdentityRoutes::ExtendSession(Request& r) {
    auto id = PathId(r);
    if (!id) return Response::Error(id.error(), r.RequestId());
    auto s = sessions_.Extend(*id);
    if (!s) return Response::Error(s.error(), r.RequestId());
    return Response::Json(200, session::ToJson(*s, options_.public_base_url));
}

}  // namespace bia::http::routes
