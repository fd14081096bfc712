#include "http/routes/ui_pages.hpp"

#include "http/routes/html_response.hpp"

#include <functional>

#include "selfservice/flow/flow.hpp"
#include "ui/html_page.hpp"

namespace bia::http::routes {

using nlohmann::json;

namespace {

// `r` as a JSON fetch of `path` with `query` (same cookies and headers otherwise).
Request InnerJsonRequest(const Request& r, std::string path, core::Query query) {
    Request inner = r;
    inner.method = "GET";
    inner.path = std::move(path);
    inner.raw_query = query.Encode();
    inner.target = inner.path + (inner.raw_query.empty() ? "" : "?" + inner.raw_query);
    inner.query = std::move(query);
    inner.body.clear();
    std::erase_if(inner.headers, [](const auto& h) { return EqualsIgnoreCase(h.first, "Accept"); });
    inner.headers.emplace_back("Accept", "application/json");
    return inner;
}

Response Html(int status, std::string body, const Response* carry_cookies_from = nullptr) {
    Response resp = HtmlResponse(status, std::move(body));
    if (carry_cookies_from != nullptr) {
        for (const auto& [name, value] : carry_cookies_from->headers) {
            if (EqualsIgnoreCase(name, "Set-Cookie")) resp.AddHeader(name, value);
        }
    }
    return resp;
}

json BodyOf(const Response& r) {
    json j = json::parse(r.body, nullptr, false);
    return j.is_discarded() ? json::object() : j;
}

// The reason an error envelope gives, for a page.
std::string ReasonOf(const json& envelope) {
    const json e = envelope.value("error", json::object());
    std::string reason = e.value("reason", "");
    if (reason.empty()) reason = e.value("message", "Something went wrong.");
    return reason;
}

}  // namespace

void UiPages::Register(Router& public_router) {
    const std::string p(kUiPrefix);
    public_router.Add("GET", p + "login", [this](Request& r) { return Login(r); });
    public_router.Add("GET", p + "registration", [this](Request& r) { return Registration(r); });
    public_router.Add("GET", p + "settings", [this](Request& r) { return Settings(r); });
    public_router.Add("GET", p + "error", [this](Request& r) { return Error(r); });
    if (verification_) public_router.Add("GET", p + "verification", [this](Request& r) { return Verification(r); });
    if (recovery_) public_router.Add("GET", p + "recovery", [this](Request& r) { return Recovery(r); });
    public_router.Add("GET", p + "welcome", [this](Request& r) { return Welcome(r); });
}

namespace {

// A flow page: without `flow` the browser starts one (keeping return_to, aal, refresh); with
// one, the flow is fetched as its JSON client would and rendered, or — expired, unknown, not
// this browser's — the browser starts over.
template <class Fetch>
Response FlowPage(const Request& r, const std::string& public_base_url, std::string_view kind, std::string_view heading,
                  Fetch&& fetch, const std::vector<ui::PageLink>& links, const text::Catalog* catalog) {
    const std::string init = selfservice::PublicUrl(public_base_url, "/self-service/" + std::string(kind) + "/browser");
    const auto flow = r.query.Get("flow");
    if (!flow || flow->empty()) {
        core::Query q;
        for (const char* key : {"return_to", "aal", "refresh"}) {
            if (auto v = r.query.Get(key)) q.Set(key, *v);
        }
        const std::string qs = q.Encode();
        return Response::Redirect(303, init + (qs.empty() ? "" : "?" + qs));
    }
    core::Query q;
    q.Set("id", *flow);
    Request inner = InnerJsonRequest(r, "/self-service/" + std::string(kind) + "/flows", std::move(q));
    Response fetched = fetch(inner);
    if (fetched.status == 200) return Html(200, ui::RenderFlowPage(heading, BodyOf(fetched), links, catalog), &fetched);
    if (fetched.status == 302 || fetched.status == 303) {
        Response pass = Response::Redirect(303, std::string(fetched.Header("Location").value_or(init)));
        return pass;
    }
    if (fetched.status == 401) {
        return Response::Redirect(303, selfservice::PublicUrl(public_base_url, "/self-service/login/browser"));
    }
    const json envelope = BodyOf(fetched);
    // An AAL upgrade is needed: follow the flow's own directions.
    if (auto to = envelope.find("redirect_browser_to"); to != envelope.end() && to->is_string()) {
        return Response::Redirect(303, to->get<std::string>());
    }
    if (fetched.status == 404 || fetched.status == 410 || fetched.status == 403) return Response::Redirect(303, init);
    return Html(fetched.status, ui::RenderTextPage(heading, {ReasonOf(envelope)}, links, catalog), &fetched);
}

}  // namespace

const text::Catalog* UiPages::CatalogFor(const Request& r) const {
    return text::PickCatalog(r.Header("Accept-Language").value_or(""), catalogs_);
}

namespace {

// A page phrase in the catalogue's language.
std::string Phrase(const text::Catalog* c, std::string_view key, std::string_view english) {
    return c != nullptr ? c->Phrase(key, english) : std::string(english);
}

std::string Ui(std::string_view page) { return std::string(kUiPrefix) + std::string(page); }

}  // namespace

std::vector<ui::PageLink> UiPages::LoginLinks(const text::Catalog* c) const {
    std::vector<ui::PageLink> links = {{Ui("registration"), Phrase(c, "link.registration", "Create an account")}};
    if (recovery_) links.push_back({Ui("recovery"), Phrase(c, "link.recovery", "Forgot your password?")});
    return links;
}

Response UiPages::Login(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    return FlowPage(
        r, public_base_url_, "login", Phrase(c, "page.login", "Sign in"),
        [this](Request& in) { return login_.Fetch(in); }, LoginLinks(c), c);
}

Response UiPages::Registration(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    return FlowPage(
        r, public_base_url_, "registration", Phrase(c, "page.registration", "Create an account"),
        [this](Request& in) { return registration_.Fetch(in); }, {{Ui("login"), Phrase(c, "link.login", "Sign in")}},
        c);
}

Response UiPages::Settings(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    return FlowPage(
        r, public_base_url_, "settings", Phrase(c, "page.settings", "Account settings"),
        [this](Request& in) { return settings_.Fetch(in); }, {{Ui("welcome"), Phrase(c, "link.home", "Home")}}, c);
}

Response UiPages::Verification(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    return FlowPage(
        r, public_base_url_, "verification", Phrase(c, "page.verification", "Verify your email address"),
        [this](Request& in) { return verification_->Fetch(in); }, {{Ui("welcome"), Phrase(c, "link.home", "Home")}}, c);
}

Response UiPages::Recovery(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    return FlowPage(
        r, public_base_url_, "recovery", Phrase(c, "page.recovery", "Recover your account"),
        [this](Request& in) { return recovery_->Fetch(in); }, {{Ui("login"), Phrase(c, "link.login", "Sign in")}}, c);
}

Response UiPages::Error(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    core::Query q;
    q.Set("id", std::string(r.query.Get("id").value_or("")));
    Request inner = InnerJsonRequest(r, "/self-service/errors", std::move(q));
    Response fetched = errors_.Get(inner);
    const json body = BodyOf(fetched);
    const std::string text =
        fetched.status == 200 ? ReasonOf(body) : Phrase(c, "error.unknown", "This error is not known (any more).");
    const std::vector<ui::PageLink> home = {{Ui("welcome"), Phrase(c, "link.home", "Home")}};
    return Html(fetched.status == 200 ? 200 : 404,
                ui::RenderTextPage(Phrase(c, "page.error", "Something went wrong"), {text}, home, c));
}

Response UiPages::Welcome(Request& r) {
    const text::Catalog* c = CatalogFor(r);
    const std::string heading = Phrase(c, "page.welcome", "Welcome");
    Request who = InnerJsonRequest(r, "/sessions/whoami", core::Query());
    Response session = sessions_.Whoami(who);
    if (session.status != 200) {
        return Html(200, ui::RenderTextPage(heading, {Phrase(c, "welcome.signed_out", "You are not signed in.")},
                                            {{Ui("login"), Phrase(c, "link.login", "Sign in")},
                                             {Ui("registration"), Phrase(c, "link.registration", "Create an account")}},
                                            c));
    }
    const json s = BodyOf(session);
    const json traits = s.value("identity", json::object()).value("traits", json::object());
    std::string name = traits.is_object() ? traits.value("email", "") : "";
    if (name.empty()) name = s.value("identity", json::object()).value("id", "");
    std::vector<ui::PageLink> links = {{Ui("settings"), Phrase(c, "link.settings", "Account settings")}};
    Request logout = InnerJsonRequest(r, "/self-service/logout/browser", core::Query());
    Response out = sessions_.LogoutBrowser(logout);
    if (out.status == 200) {
        const json l = BodyOf(out);
        if (l.contains("logout_url") && l["logout_url"].is_string())
            links.push_back({l["logout_url"], Phrase(c, "link.logout", "Sign out")});
    }
    return Html(200, ui::RenderTextPage(heading,
                                        {Phrase(c, "welcome.signed_in_as", "You are signed in as") + " " + name + ".",
                                         Phrase(c, "welcome.aal", "Assurance level:") + " " +
                                             s.value("authenticator_assurance_level", "")},
                                        links, c));
}

}  // namespace bia::http::routes
