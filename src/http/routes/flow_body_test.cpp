#include "http/routes/flow_body.hpp"

#include <gtest/gtest.h>

namespace bia::http::routes {
namespace {

using nlohmann::json;

Request Post(std::string content_type, std::string body) {
    Request r;
    r.method = "POST";
    r.headers = {{"Content-Type", std::move(content_type)}};
    r.body = std::move(body);
    return r;
}

TEST(FlowBody, JsonNestedAndDottedKeysMeanTheSame) {
    auto nested =
        DecodeFlowBody(Post("application/json", R"({"method":"password","traits":{"email":"a@b.c"}})"), nullptr);
    auto dotted = DecodeFlowBody(Post("application/json", R"({"method":"password","traits.email":"a@b.c"})"), nullptr);
    ASSERT_TRUE(nested);
    ASSERT_TRUE(dotted);
    EXPECT_EQ(*nested, *dotted);
    EXPECT_EQ((*dotted)["traits"]["email"], "a@b.c");
}

TEST(FlowBody, FormsDecodeToNestedObjectsAndDropEmptyValues) {
    auto r =
        DecodeFlowBody(Post("application/x-www-form-urlencoded",
                            "method=password&traits.email=a%40b.c&traits.name.first=Ann&password=&csrf_token=t%2B%3D"),
                       nullptr);
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, json::parse(
                      R"({"method":"password","csrf_token":"t+=","traits":{"email":"a@b.c","name":{"first":"Ann"}}})"));
    auto first = DecodeFlowBody(Post("application/x-www-form-urlencoded", "identifier=a&identifier=b"), nullptr);
    EXPECT_EQ((*first)["identifier"], "a");
}

class TypedSchema final : public schema::Schema {
  public:
    const std::string& id() const override { return id_; }
    const std::string& url() const override { return id_; }
    const json& raw() const override { return raw_; }
    std::vector<schema::Violation> ValidateTraits(const json&) const override { return {}; }
    schema::Extensions ExtractExtensions(const json&) const override { return {}; }
    const std::vector<schema::FormField>& FormFields() const override { return fields_; }
    const std::vector<std::string>& PropertyPaths() const override { return paths_; }
    std::optional<std::string> TypeAt(std::string_view p) const override {
        if (p == "traits.age") return "integer";
        if (p == "traits.score") return "number";
        if (p == "traits.newsletter") return "boolean";
        if (p == "traits.zip") return "string";
        return std::nullopt;
    }

  private:
    std::string id_ = "t";
    json raw_ = json::object();
    std::vector<schema::FormField> fields_;
    std::vector<std::string> paths_;
};

TEST(FlowBody, FormValuesAreCoercedToTheSchemaType) {
    TypedSchema s;
    auto r = DecodeFlowBody(Post("application/x-www-form-urlencoded",
                                 "traits.age=42&traits.score=1.5&traits.newsletter=false&traits.newsletter=true"
                                 "&traits.zip=01234&traits.age2=7"),
                            &s);
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["traits"], json::parse(R"({"age":42,"score":1.5,"newsletter":true,"zip":"01234","age2":"7"})"));
    // A value that does not parse stays a string for the validator to reject.
    auto bad = DecodeFlowBody(Post("application/x-www-form-urlencoded", "traits.age=old"), &s);
    EXPECT_EQ((*bad)["traits"]["age"], "old");
    // JSON numbers for string paths become strings.
    auto j = DecodeFlowBody(Post("application/json", R"({"traits":{"zip":1234,"age":3}})"), &s);
    EXPECT_EQ((*j)["traits"], json::parse(R"({"zip":"1234","age":3})"));
}

TEST(FlowBody, MultipartFormsDecodeLikeUrlEncodedOnes) {
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"method\"\r\n\r\npassword\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"traits.email\"\r\nContent-Type: text/plain\r\n\r\na@b.c\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"x.txt\"\r\n\r\nfile\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nline1\r\nline2\r\n"
        "--XyZ--\r\n";
    auto r = DecodeFlowBody(Post("multipart/form-data; boundary=XyZ", body), nullptr);
    ASSERT_TRUE(r) << r.error().reason;
    EXPECT_EQ(*r, json::parse(R"({"method":"password","traits":{"email":"a@b.c"},"password":"line1\r\nline2"})"));
    EXPECT_EQ(DecodeFlowBody(Post("multipart/form-data", body), nullptr).error().code, 400);
    EXPECT_EQ(DecodeFlowBody(Post("multipart/form-data; boundary=XyZ",
                                  "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"),
                             nullptr)
                  .error()
                  .code,
              400);
}

TEST(FlowBody, RejectsWhatCannotBeDecoded) {
    EXPECT_EQ(DecodeFlowBody(Post("text/plain", "x"), nullptr).error().code, 400);
    EXPECT_EQ(DecodeFlowBody(Post("application/x-www-form-urlencoded", ""), nullptr).error().reason,
              "Unable to decode HTTP Request Body because its HTTP Header \"Content-Length\" is zero.");
    EXPECT_EQ(DecodeFlowBody(Post("application/json", "{"), nullptr).error().code, 400);
    EXPECT_EQ(DecodeFlowBody(Post("application/json", "[1]"), nullptr).error().code, 400);
}

// Found by flow_methods_fuzz: `identifier=%FF` on a login form was echoed into the flow's UI and
// saving the flow threw in json::dump (HTTP 500). Form values and keys decode to valid UTF-8,
// invalid bytes replaced by U+FFFD as Kratos (Go's json.Marshal) does.
TEST(FlowBody, InvalidUtf8InFormsBecomesReplacementCharacters) {
    auto r = DecodeFlowBody(
        Post("application/x-www-form-urlencoded", "method=password&identifier=a%FFb&traits.name.first=%C3&k%FE=v"),
        nullptr);
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["identifier"],
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ((*r)["traits"]["name"]["first"], "\xEF\xBF\xBD");
    EXPECT_EQ((*r)["k\xEF\xBF\xBD"], "v");
    EXPECT_NO_THROW((void)r->dump());
    // Valid multi-byte text is untouched.
    auto ok = DecodeFlowBody(Post("application/x-www-form-urlencoded", "identifier=%C3%A9%E4%B8%AD"), nullptr);
    EXPECT_EQ((*ok)["identifier"], "\xC3\xA9\xE4\xB8\xAD");
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\n\xED\xA0\x80\r\n--XyZ--\r\n";
    auto multipart = DecodeFlowBody(Post("multipart/form-data; boundary=XyZ", body), nullptr);
    ASSERT_TRUE(multipart);
    EXPECT_NO_THROW((void)multipart->dump());
}

}  // namespace
}  // namespace bia::http::routes
