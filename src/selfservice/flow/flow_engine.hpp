// The shared kernel of every self-service flow (settings-flow.md §5, §6, §9.3; surrounding-api.md
// §7–8): starting a flow, loading it for a submission, the expiry answers of fetch and submit
// (with a replacement flow), re-rendering a rejected flow, and settling what a strategy answered.
// A flow service supplies only what differs — its FlowKind (routes, UI URL, lifespan, messages),
// how its flow is shown as JSON, its preconditions and how it finishes.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "config/config.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "core/url.hpp"
#include "crypto/csrf_token.hpp"
#include "selfservice/flow/csrf.hpp"
#include "selfservice/flow/flow.hpp"
#include "selfservice/flow/flow_errors.hpp"
#include "selfservice/flow/flow_store.hpp"
#include "selfservice/flow/outcome.hpp"
#include "selfservice/flow/rejection.hpp"
#include "selfservice/flow/strategy_attempt.hpp"
#include "text/message.hpp"

namespace bia::selfservice {

// What a flow kind tells the engine about itself.
struct FlowKind {
    std::string_view name;  // "login": error texts ("The login flow expired …")
    std::string_view route_init_api;
    std::string_view route_init_browser;
    std::string_view route_submit;
    const std::string* ui_url = nullptr;       // the configured UI (read on every use)
    const core::Duration* lifespan = nullptr;  // the configured lifespan (read on every use)
    text::Message (*expired_message)(core::TimePoint expired_at, core::TimePoint now) = nullptr;
    text::Message (*no_strategy_message)() = nullptr;
    // Every re-render of a browser flow carries a CSRF token for that request (settings §7.4).
    bool fresh_csrf_on_rerender = false;
    // Strategies may answer kNeedsPrivilege (settings §10); elsewhere that answer is a bug.
    bool privileged_changes = false;
};

template <class Flow>
class FlowEngine {
  public:
    // How the kind shows a flow: a DOM, or text written straight from the flow's parts.
    using ToJson = std::function<core::JsonAnswer(const Flow&)>;

    FlowEngine(FlowKind kind, const config::Config& config, FlowRepository<Flow>& flows, const core::Clock& clock,
               core::Random& random)
        : kind_(kind), config_(config), flows_(flows), clock_(clock), random_(random) {}

    const std::string& ui_url() const { return *kind_.ui_url; }
    FlowRepository<Flow>& flows() { return flows_; }

    // A new flow with the shared fields set: id, type, times, request URL, form action and the
    // masked CSRF token (kept on the flow too when the kind stores it, for the fetch check).
    Flow Start(FlowType type, const RequestContext& ctx, const std::string& request_url) {
        const auto now = clock_.Now();
        Flow f;
        f.id = core::Uuid::V7(random_,
                              std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
        f.type = type;
        f.issued_at = f.created_at = f.updated_at = now;
        f.expires_at = now + std::chrono::duration_cast<core::TimePoint::duration>(*kind_.lifespan);
        f.request_url = request_url;
        f.ui.action = PublicUrl(config_.PublicBaseUrl(), kind_.route_submit, "flow=" + f.id.ToString());
        std::string token = MaskedCsrfToken(type, ctx, random_);
        f.ui.SetCsrf(token);
        if constexpr (requires { f.csrf_token; }) f.csrf_token = std::move(token);
        return f;
    }

    // Stores a new flow of `type` and shows it.
    Outcome Created(FlowType type, const core::Result<Flow>& flow, const ToJson& to_json) {
        if (!flow) return Failed{type, flow.error()};
        if (auto s = flows_.Create(*flow); !s) return Failed{type, std::move(s).error()};
        return ShowFlow{ShowFlow::Kind::kCreated, flow->type, flow->id, to_json(*flow), ui_url()};
    }

    // The flow a submission names: 400 for an id that is no UUID, 404 when there is none. With
    // UiRead::kKeepText its form stays unparsed (FlowBase::ui_text) until something shows or edits
    // it: Reject and ShowUpdated parse it first.
    core::Result<Flow> Load(std::string_view flow_id, UiRead ui = UiRead::kParse) {
        auto id = core::Uuid::Parse(flow_id);
        if (!id) return FlowIdMissing();
        return flows_.Get(*id, ui);
    }

    // The flow a fetch (GET …/flows?id=) names, as the caller may see it: a browser flow only
    // for the browser holding its CSRF cookie (403 otherwise, unless `csrf_exempt` says the flow
    // is one an admin made for a browser that never had it), 410 once expired, 404 when there is
    // none.
    core::Result<Flow> LoadForFetch(const RequestContext& ctx, std::string_view id,
                                    bool (*csrf_exempt)(const Flow&) = nullptr) {
        BIA_TRY_ASSIGN(Flow f, flows_.Get(core::Uuid::Parse(id).value_or(core::Uuid())));
        if constexpr (requires { f.csrf_token; }) {
            if (f.type == FlowType::kBrowser && !(csrf_exempt && csrf_exempt(f)) &&
                !crypto::VerifyCsrfToken(ctx.csrf_token, f.csrf_token)) {
                return CsrfViolation("The " + std::string(kind_.name) +
                                     " flow was created by another browser: its anti-CSRF token does not match the "
                                     "anti-CSRF cookie of this request.");
            }
        }
        if (auto expired = FetchExpiry(f)) return *std::move(expired);
        return f;
    }

    // What a fetch of an expired flow answers (410 with directions to a new flow), or nothing
    // while it is live.
    std::optional<core::Error> FetchExpiry(const Flow& f) const {
        if (!f.IsExpiredAt(clock_.Now())) return std::nullopt;
        if (f.type == FlowType::kBrowser) {
            const std::string rt = f.ReturnTo();
            core::Query q;
            if (!rt.empty()) q.Set("return_to", rt);
            return FetchExpiredBrowser(kind_.name,
                                       PublicUrl(config_.PublicBaseUrl(), kind_.route_init_browser, q.Encode()), rt);
        }
        return FetchExpiredApi(kind_.name, PublicUrl(config_.PublicBaseUrl(), kind_.route_init_api));
    }

    // A submission to an expired flow: `next` (started from the old request URL, so its
    // return_to survives) is stored with the expiry message, and the caller is sent to it.
    Outcome ReplaceExpired(const Flow& old, core::Result<Flow> next) {
        if (!next) return Failed{old.type, std::move(next).error()};
        const auto now = clock_.Now();
        next->ui.AddMessage(kind_.expired_message(old.expires_at, now));
        if (auto s = flows_.Create(*next); !s) return Failed{old.type, std::move(s).error()};
        return ErrorOrRedirect{old.type, FlowExpired(old.expires_at, now, next->id), FlowUiUrl(ui_url(), next->id)};
    }

    // Shows the flow again with `rejection`, answering with what a following fetch returns.
    Outcome Reject(const RequestContext& ctx, Flow& flow, const Rejection& rejection, const ToJson& to_json) {
        if (auto s = flow.ParseUi(); !s) return Failed{flow.type, std::move(s).error()};
        ApplyRejection(flow.ui, rejection);
        return StoreAndShow(ctx, flow, ShowFlow::Kind::kRejected, to_json);
    }

    // Shows the flow as a strategy left it (settings §5.4 "return to UI"), stored first.
    Outcome ShowUpdated(const RequestContext& ctx, Flow& flow, const ToJson& to_json) {
        return StoreAndShow(ctx, flow, ShowFlow::Kind::kUpdated, to_json);
    }

    // A 400 (a body that did not decode, a strategy's bad request) is shown on the flow as a
    // message (settings-flow.md §5.4); any other error stays an error.
    Outcome RejectOrFail(const RequestContext& ctx, Flow& flow, const core::Error& error, const ToJson& to_json) {
        if (auto r = RejectionFromBadRequest(error)) return Reject(ctx, flow, *r, to_json);
        return Failed{flow.type, error};
    }

    // Asks each strategy in order (`ask(strategy)` returns its attempt) until one claims the
    // submission. Returns the claiming attempt when it succeeded or (where the kind allows it)
    // needs privilege; otherwise `*outcome` is what to answer (a rejection, an error, the flow a
    // strategy changed, or "no strategy found").
    template <class Attempt, class Strategies, class Ask>
    std::optional<Attempt> Dispatch(const RequestContext& ctx, Flow& flow, const Strategies& strategies, Ask&& ask,
                                    const ToJson& to_json, Outcome* outcome) {
        for (auto* s : strategies) {
            Attempt a = ask(*s);
            switch (a.kind) {
                case Attempt::Kind::kNotResponsible:
                    continue;
                case Attempt::Kind::kRejected:
                    *outcome = Reject(ctx, flow, a.rejection, to_json);
                    return std::nullopt;
                case Attempt::Kind::kFailed:
                    *outcome = RejectOrFail(ctx, flow, a.error, to_json);
                    return std::nullopt;
                case Attempt::Kind::kNeedsPrivilege:
                    if (!kind_.privileged_changes) {
                        *outcome = Failed{flow.type, core::Internal("a strategy asked for a privileged session in a " +
                                                                    std::string(kind_.name) + " flow")};
                        return std::nullopt;
                    }
                    return a;
                case Attempt::Kind::kReturnToUi:
                    *outcome = ShowUpdated(ctx, flow, to_json);
                    return std::nullopt;
                case Attempt::Kind::kRedirect:
                    *outcome = Redirect(flow, a.redirect_to);
                    return std::nullopt;
                case Attempt::Kind::kSucceeded:
                    return a;
            }
        }
        *outcome = Reject(ctx, flow, Rejection::OnFlow(kind_.no_strategy_message()), to_json);
        return std::nullopt;
    }

    // Stores the flow (a strategy noted what it expects back in its internal context) and sends
    // the browser to `url`: 303, or 422 browser_location_change_required for JSON clients.
    Outcome Redirect(Flow& flow, const std::string& url) {
        flow.updated_at = clock_.Now();
        if (auto s = flows_.Update(flow); !s) return Failed{flow.type, std::move(s).error()};
        return ErrorOrRedirect{flow.type, LocationChangeRequired(url), url};
    }

  private:
    // Stores the flow (with a fresh CSRF token where the kind wants one) and shows what a
    // following fetch returns.
    Outcome StoreAndShow(const RequestContext& ctx, Flow& flow, ShowFlow::Kind show, const ToJson& to_json) {
        if (auto s = flow.ParseUi(); !s) return Failed{flow.type, std::move(s).error()};
        if (kind_.fresh_csrf_on_rerender && flow.type == FlowType::kBrowser) {
            flow.ui.SetCsrf(MaskedCsrfToken(flow.type, ctx, random_));
        }
        flow.updated_at = clock_.Now();
        if (auto s = flows_.Update(flow); !s) return Failed{flow.type, std::move(s).error()};
        auto stored = flows_.Get(flow.id);
        if (!stored) return Failed{flow.type, std::move(stored).error()};
        return ShowFlow{show, flow.type, flow.id, to_json(*stored), ui_url()};
    }

    FlowKind kind_;
    const config::Config& config_;
    FlowRepository<Flow>& flows_;
    const core::Clock& clock_;
    core::Random& random_;
};

}  // namespace bia::selfservice
