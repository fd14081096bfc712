#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/encoding.hpp"
#include "schema/schema.hpp"
#include "testing/loopback_http_server.hpp"

namespace bia::schema {
namespace {

std::filesystem::path FixturePath(const std::string& name) {
    return std::filesystem::path(__FILE__).parent_path() / "testdata" / name;
}

std::string FixtureText(const std::string& name) {
    std::ifstream in(FixturePath(name), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::unique_ptr<SchemaRegistry> MustLoad(const std::vector<SchemaSource>& sources, const std::string& default_id) {
    auto r = SchemaRegistry::Load(sources, default_id);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().reason);
    return r.ok() ? std::move(r).value() : nullptr;
}

std::string LoadError(const std::vector<SchemaSource>& sources, const std::string& default_id = "default") {
    auto r = SchemaRegistry::Load(sources, default_id);
    EXPECT_FALSE(r.ok());
    return r.ok() ? "" : r.error().reason;
}

// Serves one canned HTTP response on 127.0.0.1 to the first client.
class OneShotServer {
  public:
    explicit OneShotServer(std::string response) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(fd_, 1), 0);
        socklen_t len = sizeof addr;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this, response = std::move(response)] {
            const int client = ::accept(fd_, nullptr, nullptr);
            if (client < 0) return;
            std::string request;
            char buf[1024];
            while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
                const ssize_t n = ::read(client, buf, sizeof buf);
                if (n <= 0) break;
                request.append(buf, static_cast<size_t>(n));
            }
            path_ = request.substr(0, request.find("\r\n"));
            request_ = request;
            size_t sent = 0;
            while (sent < response.size()) {
                const ssize_t n = ::write(client, response.data() + sent, response.size() - sent);
                if (n <= 0) break;
                sent += static_cast<size_t>(n);
            }
            ::close(client);
        });
    }
    ~OneShotServer() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
    }
    std::string Url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
    const std::string& request_line() const { return path_; }
    // The whole request head (empty when nobody connected).
    const std::string& request_head() const { return request_; }

  private:
    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::string path_;
    std::string request_;
};

std::string HttpResponse(const std::string& status, const std::string& body) {
    return "HTTP/1.1 " + status +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

TEST(SchemaRegistry, LoadsFileUrlsRelativeAndBarePaths) {
    const auto absolute = FixturePath("email-password.schema.json");
    auto a = MustLoad({{"default", "file://" + absolute.string()}}, "default");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->Default().id(), "default");
    EXPECT_EQ(a->Default().url(), "file://" + absolute.string());
    EXPECT_EQ(a->Default().raw()["title"], "Person");

    const auto relative = std::filesystem::relative(absolute);
    ASSERT_TRUE(relative.is_relative());
    EXPECT_TRUE(MustLoad({{"default", "file://" + relative.string()}}, "default"));
    EXPECT_TRUE(MustLoad({{"default", relative.string()}}, "default"));
    EXPECT_TRUE(MustLoad({{"default", absolute.string()}}, "default"));
}

TEST(SchemaRegistry, LoadsBase64AndFindsByIdOrEncodedId) {
    const std::string doc = FixtureText("email-profile.schema.json");
    auto r = MustLoad({{"default", "file://" + FixturePath("email-password.schema.json").string()},
                       {"customer", "base64://" + core::Base64Encode(doc)}},
                      "customer");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->all().size(), 2u);
    EXPECT_EQ(r->default_id(), "customer");
    EXPECT_EQ(r->Default().id(), "customer");
    EXPECT_EQ(r->Default().FormFields().size(), 6u);
    ASSERT_NE(r->Find("default"), nullptr);
    EXPECT_EQ(r->Find("default")->id(), "default");
    EXPECT_EQ(r->Find("ZGVmYXVsdA"), r->Find("default"));  // base64url("default"), unpadded
    EXPECT_EQ(r->Find(core::Base64UrlEncode("customer")), r->Find("customer"));
    EXPECT_EQ(r->Find("nope"), nullptr);
    EXPECT_EQ(r->Find(""), nullptr);
}

TEST(SchemaRegistry, LoadsOverHttp) {
    const std::string doc = FixtureText("email-password.schema.json");
    OneShotServer server(HttpResponse("200 OK", doc));
    auto r = MustLoad({{"default", server.Url("/identity.schema.json")}}, "default");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Default().FormFields().size(), 3u);
    EXPECT_EQ(server.request_line(), "GET /identity.schema.json HTTP/1.1");
}

TEST(SchemaRegistry, HttpErrorsNameTheSchema) {
    {
        OneShotServer server(HttpResponse("404 Not Found", ""));
        const std::string url = server.Url("/missing.json");
        const std::string err = LoadError({{"default", url}});
        EXPECT_NE(err.find("identity schema \"default\" from \"" + url + "\""), std::string::npos) << err;
        EXPECT_NE(err.find("404"), std::string::npos) << err;
    }
    // Nobody listens on a port that was bound and released again.
    const int port = bia::testing::UnusedLoopbackPort();
    const std::string err = LoadError({{"default", "http://127.0.0.1:" + std::to_string(port) + "/x.json"}});
    EXPECT_NE(err.find("identity schema \"default\""), std::string::npos) << err;
}

std::string RedirectTo(const std::string& location) {
    return "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
}

// Issue 13: schema URLs are fetched with at most 3 redirects, to http(s) only.
TEST(SchemaRegistry, FollowsAtMostThreeRedirects) {
    const std::string doc = FixtureText("email-password.schema.json");
    for (int hops : {3, 4}) {
        // servers[0] serves the schema; servers[k] redirects to servers[k-1].
        std::vector<std::unique_ptr<OneShotServer>> servers;
        servers.push_back(std::make_unique<OneShotServer>(HttpResponse("200 OK", doc)));
        for (int k = 1; k <= hops; ++k)
            servers.push_back(std::make_unique<OneShotServer>(RedirectTo(servers.back()->Url("/s.json"))));
        auto r = SchemaRegistry::Load({{"default", servers.back()->Url("/s.json")}}, "default");
        if (hops <= 3) {
            EXPECT_TRUE(r.ok()) << hops << ": " << (r.ok() ? "" : r.error().reason);
        } else {
            ASSERT_FALSE(r.ok()) << hops << " redirects were followed";
            EXPECT_NE(r.error().reason.find("redirect"), std::string::npos) << r.error().reason;
        }
    }
}

TEST(SchemaRegistry, RedirectsGoToHttpOnlyAndCarryNoCredentials) {
    {
        OneShotServer to_file(RedirectTo("file:///etc/passwd"));
        EXPECT_FALSE(SchemaRegistry::Load({{"default", to_file.Url("/s.json")}}, "default").ok());
    }
    // Credentials in the schema URL's userinfo go to that host only, never to a redirect's.
    OneShotServer target(HttpResponse("200 OK", FixtureText("email-password.schema.json")));
    OneShotServer first(RedirectTo(target.Url("/s.json")));
    const std::string url = "http://op:s3cret@" + first.Url("/s.json").substr(7);
    auto r = SchemaRegistry::Load({{"default", url}}, "default");
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_NE(first.request_head().find("Authorization: Basic"), std::string::npos) << first.request_head();
    EXPECT_EQ(target.request_head().find("Authorization"), std::string::npos) << target.request_head();
}

TEST(SchemaRegistry, BadSourcesAreErrorsNamingIdAndUrl) {
    const std::string missing = LoadError({{"default", "file:///does/not/exist.json"}});
    EXPECT_EQ(missing,
              "Unable to load identity schema \"default\" from \"file:///does/not/exist.json\": open "
              "/does/not/exist.json: No such file or directory");
    EXPECT_NE(LoadError({{"default", "base64://" + core::Base64Encode("{nope")}}).find("not valid JSON"),
              std::string::npos);
    EXPECT_NE(LoadError({{"default", "base64://!!!"}}).find("base64"), std::string::npos);
    const std::string bad = LoadError({{"default", "base64://" + core::Base64Encode(R"({"minLength":-1})")}});
    EXPECT_NE(bad.find("\"minLength\" must be a non-negative integer (at #)"), std::string::npos) << bad;
    EXPECT_NE(bad.find("identity schema \"default\""), std::string::npos);
    EXPECT_NE(LoadError({{"default", "ftp://example.com/x.json"}}).find("unsupported URL scheme"), std::string::npos);
    EXPECT_NE(LoadError({{"default", FixturePath("").string()}}).find("identity schema \"default\""),
              std::string::npos);
    const std::string ok = "base64://" + core::Base64Encode("{}");
    EXPECT_NE(LoadError({{"a", ok}, {"a", ok}}, "a").find("more than once"), std::string::npos);
    EXPECT_NE(LoadError({{"a", ok}}, "b").find("default identity schema \"b\""), std::string::npos);
    EXPECT_NE(LoadError({}).find("No identity schemas"), std::string::npos);
    EXPECT_NE(LoadError({{"", ok}}, "").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace bia::schema
