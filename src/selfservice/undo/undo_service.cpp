#include "selfservice/undo/undo_service.hpp"

#include <set>

#include "core/time.hpp"
#include "core/url.hpp"
#include "selfservice/flow/flow.hpp"

namespace bia::selfservice::undo {

using nlohmann::json;

namespace {

// Every email address of the identity (verifiable and recovery), each once.
std::set<std::string> EmailsOf(const identity::Identity& i) {
    std::set<std::string> out;
    for (const auto& a : i.verifiable_addresses)
        if (a.via == "email") out.insert(a.value);
    for (const auto& a : i.recovery_addresses)
        if (a.via == "email") out.insert(a.value);
    return out;
}

const std::string* PasswordHash(const identity::Identity& i) {
    const auto* c = i.FindCredential(identity::kCredentialPassword);
    if (!c) return nullptr;
    auto it = c->config.find("hashed_password");
    return it != c->config.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
}

core::Error InvalidLink() { return core::BadRequest("This undo link is invalid, was used already or has expired."); }

}  // namespace

core::Status UndoService::Send(const identity::Identity& before, std::string_view to, std::string_view change,
                               std::string_view new_address) {
    const auto now = clock_.Now();
    const std::string token = random_.AlphaNumeric(32);
    OneTimeSecret s;
    s.id = core::Uuid::V4(random_);
    s.kind = SecretKind::kUndoChange;
    const auto& keys = config_.secrets.default_secrets;
    s.digest = SecretDigest(keys.empty() ? std::string_view() : std::string_view(keys.front()), token);
    s.flow_id = s.id;  // no flow: the secret stands alone
    s.identity_id = before.id;
    s.address = std::string(to);
    s.created_at = now;
    s.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(kUndoLifespan);
    s.payload = {{"change", change}, {"new_address", new_address}};
    if (change == kChangeAddress) s.payload["traits"] = before.traits;
    BIA_TRY(secrets_.Create(s));
    json model = {{"To", to},
                  {"Change", change},
                  {"NewAddress", new_address},
                  {"UndoURL", PublicUrl(config_.PublicBaseUrl(), kRoute, "token=" + token)}};
    return mailer_.Queue(courier::Template::kChangeNotice, to, model);
}

core::Status UndoService::Notify(const identity::Identity& before, const identity::Identity& after,
                                 std::string_view method) {
    const std::set<std::string> was = EmailsOf(before);
    const std::set<std::string> is = EmailsOf(after);
    std::string added;
    for (const auto& a : is) {
        if (!was.contains(a)) {
            added = a;
            break;
        }
    }
    bool sent = false;
    for (const auto& a : was) {
        if (is.contains(a)) continue;
        BIA_TRY(Send(before, a, kChangeAddress, added));
        sent = true;
    }
    if (sent || method != identity::kCredentialPassword) return {};
    const std::string* old_hash = PasswordHash(before);
    const std::string* new_hash = PasswordHash(after);
    if (!new_hash || (old_hash && *old_hash == *new_hash)) return {};
    for (const auto& a : was) BIA_TRY(Send(before, a, kChangePassword, ""));
    return {};
}

core::Result<OneTimeSecret> UndoService::Find(std::string_view token) {
    if (token.empty() || token.size() > 256) return InvalidLink();
    const auto& keys = config_.secrets.default_secrets;
    auto found = secrets_.FindUnused(
        SecretKind::kUndoChange,
        SecretDigest(keys.empty() ? std::string_view() : std::string_view(keys.front()), token), std::nullopt);
    if (!found) return found.error().code == 404 ? InvalidLink() : std::move(found).error();
    if (found->IsExpiredAt(clock_.Now())) return InvalidLink();
    return found;
}

core::Result<json> UndoService::Preview(std::string_view token) {
    BIA_TRY_ASSIGN(OneTimeSecret s, Find(token));
    json out = {{"change", s.payload.value("change", "")},
                {"address", s.address},
                {"expires_at", core::FormatRfc3339(s.expires_at)}};
    if (const std::string n = s.payload.value("new_address", ""); !n.empty()) out["new_address"] = n;
    return out;
}

core::Result<json> UndoService::Apply(std::string_view token) {
    BIA_TRY_ASSIGN(OneTimeSecret s, Find(token));
    const auto now = clock_.Now();
    BIA_TRY_ASSIGN(bool first, secrets_.Use(s.id, now));
    if (!first) return InvalidLink();
    BIA_TRY_ASSIGN(identity::Identity who, identities_.repository().Get(s.identity_id));
    const std::string change = s.payload.value("change", "");
    if (change == kChangeAddress) {
        auto traits = s.payload.find("traits");
        if (traits == s.payload.end() || !traits->is_object())
            return core::Internal("undo: the stored traits are missing");
        who.traits = *traits;
        BIA_TRY(identities_.RecomputeFromTraits(who));
        // Opening the link proved the address again.
        for (auto& a : who.verifiable_addresses) {
            if (a.value != s.address || a.verified) continue;
            a.verified = true;
            a.verified_at = now;
            a.status = std::string(identity::kAddressCompleted);
            a.updated_at = now;
        }
    } else if (change == kChangePassword) {
        who.credentials.erase(std::string(identity::kCredentialPassword));
    } else {
        return core::Internal("undo: unknown change \"" + change + "\"");
    }
    who.updated_at = now;
    BIA_TRY(identities_.repository().Update(who));
    BIA_TRY(sessions_.RevokeAll(who.id));
    return json{{"undone", change}, {"identity_id", who.id.ToString()}};
}

}  // namespace bia::selfservice::undo
