// wire::ToWireText: the answer's head written without Beast's serializer must be what Beast writes
// for the same message, and parse back with Beast's own response parser.
#include <gtest/gtest.h>

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <sstream>
#include <string>

#include "http/wire.hpp"

namespace bia::http::wire {
namespace {

namespace bhttp = boost::beast::http;

// The answer parsed by Beast's response parser (a HEAD answer's body is not on the wire).
bhttp::response<bhttp::string_body> Parse(const WireAnswer& wire, bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    if (head) parser.skip(true);
    parser.eager(true);
    boost::system::error_code ec;
    const std::string& bytes = wire.bytes;
    size_t used = 0;
    while (!ec && !parser.is_done() && used < bytes.size()) {
        used += parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
    }
    EXPECT_FALSE(ec) << ec.message() << "\n" << bytes;
    EXPECT_EQ(used, bytes.size()) << "nothing after the answer";
    EXPECT_TRUE(parser.is_done()) << bytes;
    return parser.release();
}

Listener PublicListener() {
    Listener l;
    l.name = "public";
    l.default_headers = {{"Cache-Control", "private, no-cache, no-store, must-revalidate"}};
    return l;
}

TEST(WireText, IsWhatBeastWritesForTheSameMessage) {
    Response r = Response::RawJson(200, R"({"a":1})");
    r.SetHeader("Date", "Mon, 07 Dec 2026 05:00:00 GMT");  // fixed, so the bytes can be compared
    r.SetHeader("X-Custom", "v");
    const WireAnswer wire = ToWireText(std::move(r), 11, false, false, PublicListener());

    bhttp::response<bhttp::string_body> beast;
    beast.version(11);
    beast.result(200);
    beast.insert("Content-Type", "application/json; charset=utf-8");
    beast.insert("Date", "Mon, 07 Dec 2026 05:00:00 GMT");
    beast.insert("X-Custom", "v");
    beast.insert("Cache-Control", "private, no-cache, no-store, must-revalidate");
    beast.content_length(7);
    beast.body() = R"({"a":1})";
    beast.keep_alive(false);
    std::ostringstream os;
    os << beast;
    const auto parsed = Parse(wire);
    ASSERT_EQ(parsed[bhttp::field::content_type], "application/json; charset=utf-8")
        << "the handler's own header order is the one above";
    EXPECT_EQ(wire.bytes, os.str());
    EXPECT_EQ(wire.bytes.substr(wire.head_size), R"({"a":1})");
}

TEST(WireText, FramingVersionsAndStatuses) {
    const Listener l = PublicListener();
    {
        const WireAnswer w = ToWireText(Response::RawJson(422, "{}"), 11, false, true, l);
        EXPECT_EQ(w.bytes.rfind("HTTP/1.1 422 Unprocessable Entity\r\n", 0), 0u);
        const auto p = Parse(w);
        EXPECT_EQ(p.result_int(), 422u);
        EXPECT_TRUE(p.keep_alive());
        EXPECT_EQ(p.count(bhttp::field::connection), 0u);
        EXPECT_EQ(p[bhttp::field::content_length], "2");
        EXPECT_EQ(p.count(bhttp::field::date), 1u);
        EXPECT_EQ(p[bhttp::field::cache_control], "private, no-cache, no-store, must-revalidate");
        EXPECT_EQ(p.body(), "{}");
    }
    {
        const WireAnswer w = ToWireText(Response::RawJson(200, "{}"), 10, false, true, l);
        EXPECT_EQ(w.bytes.rfind("HTTP/1.0 200 OK\r\n", 0), 0u);
        const auto p = Parse(w);
        EXPECT_EQ(p.version(), 10u);
        EXPECT_TRUE(p.keep_alive());
        EXPECT_EQ(p[bhttp::field::connection], "keep-alive");
    }
    {
        const auto p = Parse(ToWireText(Response::RawJson(200, "{}"), 10, false, false, l));
        EXPECT_FALSE(p.keep_alive());
        EXPECT_EQ(p.count(bhttp::field::connection), 0u);
    }
    {
        const auto p = Parse(ToWireText(Response::RawJson(200, "{}"), 11, false, false, l));
        EXPECT_FALSE(p.keep_alive());
        EXPECT_EQ(p[bhttp::field::connection], "close");
    }
    {
        // HEAD: the length of the body that is not sent. 204 and 304: no length, no body.
        const WireAnswer head = ToWireText(Response::RawJson(200, "12345"), 11, true, true, l);
        EXPECT_EQ(head.bytes.size(), head.head_size) << "no body after the head";
        EXPECT_EQ(Parse(head, true)[bhttp::field::content_length], "5");
        const WireAnswer none = ToWireText(Response::NoContent(), 11, false, true, l);
        EXPECT_EQ(none.bytes.size(), none.head_size);
        EXPECT_EQ(Parse(none).count(bhttp::field::content_length), 0u);
        EXPECT_EQ(none.bytes.rfind("HTTP/1.1 204 No Content\r\n", 0), 0u);
    }
}

TEST(WireText, ASharedBodyIsWrittenAsItIsAndStaysUntouched) {
    const auto shared = std::make_shared<const std::string>(R"({"cached":true})");
    const Listener l = PublicListener();
    const WireAnswer w = ToWireText(Response::RawJson(200, shared), 11, false, true, l);
    const auto p = Parse(w);
    EXPECT_EQ(p[bhttp::field::content_length], "15");
    EXPECT_EQ(p.body(), *shared);
    EXPECT_EQ(*shared, R"({"cached":true})");
    // HEAD: its length, no body.
    const WireAnswer head = ToWireText(Response::RawJson(200, shared), 11, true, true, l);
    EXPECT_EQ(head.bytes.size(), head.head_size);
    EXPECT_EQ(Parse(head, true)[bhttp::field::content_length], "15");
}

TEST(WireText, AReusedBufferHoldsOnlyTheNewAnswer) {
    const Listener l = PublicListener();
    WireAnswer first = ToWireText(Response::RawJson(200, std::string(3000, 'x')), 11, false, true, l);
    const size_t capacity = first.bytes.capacity();
    const char* storage = first.bytes.data();
    const WireAnswer second = ToWireText(Response::RawJson(201, "{}"), 11, false, true, l, std::move(first.bytes));
    EXPECT_EQ(second.bytes.data(), storage) << "the allocation is reused";
    EXPECT_EQ(second.bytes.capacity(), capacity);
    const auto p = Parse(second);
    EXPECT_EQ(p.result_int(), 201u);
    EXPECT_EQ(p.body(), "{}");
    EXPECT_EQ(second.bytes.find('x'), std::string::npos) << "nothing of the earlier answer is left";
}

TEST(WireText, HandlersCannotFrameOrSplitTheAnswer) {
    Response r = Response::RawJson(200, "{}");
    r.SetHeader("Content-Length", "999");
    r.SetHeader("Transfer-Encoding", "chunked");
    r.SetHeader("Connection", "upgrade");
    r.SetHeader("X-Split", "a\r\nSet-Cookie: evil=1");
    r.SetHeader("Bad Name", "v");
    r.SetHeader("Cache-Control", "no-store");
    const WireAnswer w = ToWireText(std::move(r), 11, false, true, PublicListener());
    const auto p = Parse(w);
    EXPECT_EQ(p[bhttp::field::content_length], "2");
    EXPECT_EQ(p.count(bhttp::field::transfer_encoding), 0u);
    EXPECT_EQ(p.count(bhttp::field::connection), 0u);
    EXPECT_EQ(p.count("X-Split"), 0u);
    EXPECT_EQ(p.count(bhttp::field::set_cookie), 0u);
    EXPECT_EQ(p.count(bhttp::field::cache_control), 1u) << "the handler's value wins over the default";
    EXPECT_EQ(p[bhttp::field::cache_control], "no-store");
    // A status outside 200–599 becomes a 500 envelope.
    const auto bad = Parse(ToWireText(Response::RawJson(99, "{}"), 11, false, true, PublicListener()));
    EXPECT_EQ(bad.result_int(), 500u);
}

}  // namespace
}  // namespace bia::http::wire
