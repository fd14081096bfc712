#include "strategy/address_challenge.hpp"

#include <algorithm>

#include "core/url.hpp"
#include "identity/identity_json.hpp"
#include "schema/identifier.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "strategy/body_fields.hpp"
#include "ui/node.hpp"

namespace bia::strategy {

using nlohmann::json;
using selfservice::AttemptState;
using selfservice::Rejection;

namespace {

inline constexpr std::string_view kStateSent = "sent_email";
inline constexpr std::string_view kSubmissionsKey = "submissions";

ChallengeOutcome Rejected(Rejection r) { return {AttemptState::RejectedWith(std::move(r)), {}, {}}; }
ChallengeOutcome FailedWith(core::Error e) { return {AttemptState::FailedWith(std::move(e)), {}, {}}; }

// One "@" with something on both sides and no whitespace or control characters.
bool LooksLikeEmail(std::string_view s) {
    const auto at = s.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= s.size() || s.find('@', at + 1) != std::string_view::npos)
        return false;
    return std::none_of(s.begin(), s.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
}

}  // namespace

std::vector<std::string> AddressChallenge::NodeOrder() const {
    return {std::string(kCodeField), std::string(kEmailField), std::string(ui::kMethodName)};
}

void AddressChallenge::Populate(selfservice::FlowBase& flow) const {
    flow.ui.Upsert(ui::WithLabel(ui::NewInput(kEmailField, spec_.method, ui::kInputEmail, nullptr, true),
                                 text::NewInfoNodeInputEmail()));
    flow.ui.Upsert(
        ui::WithLabel(ui::NewInput(ui::kMethodName, spec_.method, ui::kInputSubmit, std::string(spec_.method)),
                      text::NewInfoNodeLabelSubmit()));
}

std::string AddressChallenge::Digest(std::string_view secret) const {
    const auto& secrets = config_.secrets.default_secrets;
    return selfservice::SecretDigest(secrets.empty() ? std::string_view() : std::string_view(secrets.front()), secret);
}

ChallengeOutcome AddressChallenge::Handle(const selfservice::RequestContext& ctx, selfservice::FlowBase& flow,
                                          std::string& active, const json& body, bool from_link, bool skip_csrf) {
    if (StringField(body, ui::kMethodName).value_or("") != spec_.method) return {};
    if (!config_.selfservice.methods.IsEnabled(spec_.method)) return FailedWith(selfservice::MethodDisabled());
    if (!from_link && !skip_csrf) {
        if (auto s = selfservice::EnsureCsrf(flow.type, ctx, StringField(body, ui::kCsrfTokenName).value_or("")); !s) {
            return FailedWith(std::move(s).error());
        }
    }
    if (!spec_.sends_code) {
        if (auto token = StringField(body, kTokenField)) return Check(flow, *token, false);
        if (from_link) return Rejected(Rejection::OnFlow(spec_.invalid_message()));
        return Send(flow, active, body);
    }
    if (auto code = StringField(body, kCodeField)) return Check(flow, *code, true);
    if (from_link) return Rejected(Rejection::OnFlow(spec_.invalid_message()));
    return Send(flow, active, body);
}

ChallengeOutcome AddressChallenge::Send(selfservice::FlowBase& flow, std::string& active, const json& body) {
    auto raw = StringField(body, kEmailField);
    if (!raw) {
        return Rejected(Rejection::OnNode(std::string(kEmailField), text::NewValidationErrorRequired(kEmailField)));
    }
    if (raw->size() > kMaxAddressLength) {
        return Rejected(Rejection::OnNode(std::string(kEmailField),
                                          text::NewErrorValidationMaxLength(static_cast<int64_t>(kMaxAddressLength),
                                                                            static_cast<int64_t>(raw->size()))));
    }
    const std::string address = schema::NormalizeEmailAddress(*raw);
    if (!LooksLikeEmail(address)) {
        return Rejected(Rejection::OnNode(std::string(kEmailField), text::NewErrorValidationInvalidFormat("email")));
    }
    auto who = identities_.FindByAddress(spec_.address_kind, "email", address);
    if (who && who->IsActive()) {
        if (auto s = SendTo(flow, active, *who, address); !s) return FailedWith(std::move(s).error());
        return {AttemptState::Of(AttemptState::Kind::kReturnToUi), {}, {}};
    }
    if (!who && who.error().code != 404) return FailedWith(std::move(who).error());
    // No such (active) account: the same answer, and at most a notice to the address.
    if (spec_.flow_config->notify_unknown_recipients) {
        json model = {{"To", address}, {"RequestURL", flow.request_url}};
        if (auto s = mailer_.Queue(spec_.invalid_template, address, model); !s) return FailedWith(std::move(s).error());
    }
    ShowSent(flow, active, address);
    return {AttemptState::Of(AttemptState::Kind::kReturnToUi), {}, {}};
}

core::Result<std::pair<std::string, std::string>> AddressChallenge::NewSecret(const selfservice::FlowBase& flow,
                                                                              const identity::Identity& who,
                                                                              std::string_view address,
                                                                              bool until_flow_expires) {
    const auto now = clock_.Now();
    std::string secret = spec_.sends_code ? random_.Digits(kCodeLength) : random_.AlphaNumeric(kTokenLength);
    BIA_TRY(secrets_.Retire(spec_.secret_kind, flow.id, now));
    selfservice::OneTimeSecret s;
    s.id = core::Uuid::V4(random_);
    s.kind = spec_.secret_kind;
    s.digest = Digest(secret);
    s.flow_id = flow.id;
    s.identity_id = who.id;
    s.address = std::string(address);
    s.created_at = now;
    // A secret lives as long as the method says, and never past its flow; an admin's lives as
    // long as the flow the admin asked for.
    const auto lifespan_end = now + std::chrono::duration_cast<core::TimePoint::duration>(*spec_.lifespan);
    s.expires_at = until_flow_expires ? flow.expires_at : std::min(flow.expires_at, lifespan_end);
    BIA_TRY(secrets_.Create(s));
    core::Query q;
    q.Set("flow", flow.id.ToString());
    q.Set(spec_.sends_code ? kCodeField : kTokenField, secret);
    std::string link = selfservice::PublicUrl(config_.PublicBaseUrl(), spec_.route_submit, q.Encode());
    return std::make_pair(std::move(secret), std::move(link));
}

core::Status AddressChallenge::SendTo(selfservice::FlowBase& flow, std::string& active, const identity::Identity& who,
                                      std::string_view address) {
    BIA_TRY_ASSIGN(auto made, NewSecret(flow, who, address));
    json model = {{"To", address},
                  {"RequestURL", flow.request_url},
                  {"Identity", identity::ToJson(who, config_.PublicBaseUrl())},
                  {std::string(spec_.url_field), made.second}};
    if (spec_.sends_code) model[std::string(spec_.code_field)] = made.first;
    BIA_TRY(mailer_.Queue(spec_.valid_template, address, model));
    ShowSent(flow, active, address);
    return {};
}

core::Result<std::pair<std::string, std::string>> AddressChallenge::CreateWithoutMessage(
    selfservice::FlowBase& flow, std::string& active, const identity::Identity& who) {
    BIA_TRY_ASSIGN(auto made, NewSecret(flow, who, "", true));
    if (spec_.sends_code) {
        ShowSent(flow, active, "");
        flow.ui.ResetMessages();
        // The admin hands the code over; the link opens the flow that asks for it.
        made.second = selfservice::PublicUrl(config_.PublicBaseUrl(), spec_.route_submit, "flow=" + flow.id.ToString());
    }
    return made;
}

void AddressChallenge::ShowSent(selfservice::FlowBase& flow, std::string& active, std::string_view address) const {
    flow.state = std::string(kStateSent);
    active = std::string(spec_.method);
    flow.ui.ResetMessages();
    flow.ui.AddMessage(spec_.sent_message());
    if (!spec_.sends_code) {
        flow.ui.SetValue(kEmailField, std::string(address));
        return;
    }
    // The code form: the code input, its submit button and a button that sends a new code.
    flow.ui.Remove(kEmailField);
    flow.ui.Remove(ui::kMethodName);
    flow.ui.Upsert(
        ui::WithLabel(ui::NewInput(kCodeField, spec_.method, ui::kInputText, nullptr, true), spec_.code_label()));
    flow.ui.Upsert(
        ui::WithLabel(ui::NewInput(ui::kMethodName, spec_.method, ui::kInputSubmit, std::string(spec_.method)),
                      spec_.submit_label()));
    if (!address.empty()) {
        flow.ui.Upsert(ui::WithLabel(ui::NewInput(kEmailField, spec_.method, ui::kInputSubmit, std::string(address)),
                                     text::NewInfoNodeResendOtp()));
    }
    if (auto* code = flow.ui.Find(kCodeField)) {
        if (auto* in = code->Input()) in->autocomplete = "one-time-code";
    }
}

ChallengeOutcome AddressChallenge::Check(selfservice::FlowBase& flow, std::string_view secret, bool by_flow) {
    if (by_flow) {
        // Codes are short: each flow takes a bounded number of guesses.
        json& mine = flow.internal_context[std::string(spec_.method)];
        if (!mine.is_object()) mine = json::object();
        const int64_t tried = mine.value(std::string(kSubmissionsKey), int64_t{0});
        if (tried >= static_cast<int64_t>(config_.selfservice.methods.code.max_submissions)) {
            return Rejected(Rejection::OnFlow(
                text::NewValidationErrorGeneric("The request was submitted too often. Please request another code.")));
        }
        mine[std::string(kSubmissionsKey)] = tried + 1;
    }
    const std::string digest = secret.size() <= 256 ? Digest(secret) : std::string();
    auto found = digest.empty() ? core::Result<selfservice::OneTimeSecret>(core::ResourceNotFound())
                                : secrets_.FindUnused(spec_.secret_kind, digest,
                                                      by_flow ? std::optional<core::Uuid>(flow.id) : std::nullopt);
    if (!found) {
        if (found.error().code != 404) return FailedWith(std::move(found).error());
        return Rejected(Rejection::OnFlow(spec_.invalid_message()));
    }
    const auto now = clock_.Now();
    if (found->IsExpiredAt(now)) return Rejected(Rejection::OnFlow(spec_.invalid_message()));
    auto used = secrets_.Use(found->id, now);
    if (!used) return FailedWith(std::move(used).error());
    if (!*used) return Rejected(Rejection::OnFlow(spec_.invalid_message()));
    auto who = identities_.Get(found->identity_id);
    if (!who) {
        if (who.error().code == 404) return Rejected(Rejection::OnFlow(spec_.invalid_message()));
        return FailedWith(std::move(who).error());
    }
    ChallengeOutcome out;
    out.state = AttemptState::Of(AttemptState::Kind::kSucceeded);
    out.identity = std::move(who).value();
    out.address = found->address;
    return out;
}

}  // namespace bia::strategy
