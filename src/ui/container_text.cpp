// Container::FromJsonText: a stored UI read straight from its JSON text into a Container through
// nlohmann's SAX interface, with no DOM in between (a settings submit reads one per request).
//
// The reader takes the shape Container::Dump writes, in any key order and spacing (PostgreSQL's
// jsonb gives its own). Anything else — an unknown key, a duplicate key, a value of another type
// than Dump writes, a node without what its type needs, text that is not JSON — makes it give up,
// and FromJsonText answers exactly what FromJson(json::parse(text)) answers. So the fast path only
// ever decides inputs whose result is the same either way (ui_test checks both on every shape).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ui/container.hpp"

namespace bia::ui {

using nlohmann::json;

namespace {

// The keys the reader knows, over every object it reads.
enum class Key : uint8_t {
    kNone,
    // container
    kAction,
    kMethod,
    kNodes,
    kMessages,
    // node
    kAttributes,
    kGroup,
    kMeta,
    kType,
    // attributes (the union of every node type's)
    kName,
    kValue,
    kRequired,
    kLabel,
    kPattern,
    kDisabled,
    kOnclick,
    kAutocomplete,
    kMaxlength,
    kOnclickTrigger,
    kOnload,
    kOnloadTrigger,
    kNodeType,
    kSrc,
    kId,
    kWidth,
    kHeight,
    kHref,
    kTitle,
    kText,
    kAsync,
    kReferrerpolicy,
    kCrossorigin,
    kIntegrity,
    kNonce,
    // message
    kContext,
    kCount
};

// What an open object or array is.
enum class Frame : uint8_t { kContainer, kNodes, kNode, kAttributes, kNodeMessages, kMeta, kMessages, kMessage };

struct KeyName {
    std::string_view name;
    Key key;
};

Key Lookup(Frame f, std::string_view k) {
    static constexpr KeyName kContainerKeys[] = {
        {"action", Key::kAction}, {"method", Key::kMethod}, {"nodes", Key::kNodes}, {"messages", Key::kMessages}};
    static constexpr KeyName kNodeKeys[] = {{"attributes", Key::kAttributes},
                                            {"group", Key::kGroup},
                                            {"messages", Key::kMessages},
                                            {"meta", Key::kMeta},
                                            {"type", Key::kType}};
    static constexpr KeyName kAttributeKeys[] = {
        {"name", Key::kName},
        {"type", Key::kType},
        {"value", Key::kValue},
        {"required", Key::kRequired},
        {"label", Key::kLabel},
        {"pattern", Key::kPattern},
        {"disabled", Key::kDisabled},
        {"onclick", Key::kOnclick},
        {"autocomplete", Key::kAutocomplete},
        {"maxlength", Key::kMaxlength},
        {"onclickTrigger", Key::kOnclickTrigger},
        {"onload", Key::kOnload},
        {"onloadTrigger", Key::kOnloadTrigger},
        {"node_type", Key::kNodeType},
        {"src", Key::kSrc},
        {"id", Key::kId},
        {"width", Key::kWidth},
        {"height", Key::kHeight},
        {"href", Key::kHref},
        {"title", Key::kTitle},
        {"text", Key::kText},
        {"async", Key::kAsync},
        {"referrerpolicy", Key::kReferrerpolicy},
        {"crossorigin", Key::kCrossorigin},
        {"integrity", Key::kIntegrity},
        {"nonce", Key::kNonce},
    };
    static constexpr KeyName kMetaKeys[] = {{"label", Key::kLabel}};
    static constexpr KeyName kMessageKeys[] = {
        {"id", Key::kId}, {"text", Key::kText}, {"type", Key::kType}, {"context", Key::kContext}};
    auto find = [&](const auto& table) {
        for (const auto& e : table) {
            if (e.name == k) return e.key;
        }
        return Key::kNone;
    };
    switch (f) {
        case Frame::kContainer:
            return find(kContainerKeys);
        case Frame::kNode:
            return find(kNodeKeys);
        case Frame::kAttributes:
            return find(kAttributeKeys);
        case Frame::kMeta:
            return find(kMetaKeys);
        case Frame::kMessage:
            return find(kMessageKeys);
        default:
            return Key::kNone;
    }
}

// Every attribute a node of any type may carry; the node's `type` picks the ones it keeps.
struct AnyAttributes {
    std::array<std::string, static_cast<size_t>(Key::kCount)> strings;  // by Key
    json value;
    bool has_value = false;
    bool required = false, disabled = false, async = false;
    std::optional<int64_t> maxlength;
    int64_t width = 0, height = 0;
    std::optional<text::Message> label, title, text;

    std::string&& Take(Key k) { return std::move(strings[static_cast<size_t>(k)]); }
};

class ContainerReader {
  public:
    std::optional<Container> Finish() {
        if (!done_) return std::nullopt;
        return std::move(out_);
    }

    // ---- nlohmann SAX interface ----
    bool null() { return Scalar(json(nullptr)); }
    bool boolean(bool v) {
        if (capturing()) return Capture(json(v));
        if (frames_.empty()) return false;
        switch (frames_.back()) {
            case Frame::kAttributes:
                switch (key_) {
                    case Key::kRequired:
                        attrs_.required = v;
                        return true;
                    case Key::kDisabled:
                        attrs_.disabled = v;
                        return true;
                    case Key::kAsync:
                        attrs_.async = v;
                        return true;
                    case Key::kValue:
                        return Scalar(json(v));
                    default:
                        return false;
                }
            default:
                return Scalar(json(v));
        }
    }
    bool number_integer(json::number_integer_t v) { return Integer(v, json(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return Integer(static_cast<json::number_integer_t>(v), json(v)); }
    bool number_float(json::number_float_t v, const std::string&) { return Scalar(json(v)); }
    bool binary(json::binary_t&) { return false; }
    bool string(std::string& v) {
        if (capturing()) return Capture(json(std::move(v)));
        if (frames_.empty()) return false;
        switch (frames_.back()) {
            case Frame::kContainer:
                if (key_ == Key::kAction) {
                    out_.action = std::move(v);
                } else if (key_ == Key::kMethod) {
                    out_.method = std::move(v);
                } else {
                    return false;
                }
                return true;
            case Frame::kNode:
                if (key_ == Key::kGroup) {
                    node_.group = std::move(v);
                } else if (key_ == Key::kType) {
                    node_type_ = std::move(v);
                } else {
                    return false;
                }
                return true;
            case Frame::kAttributes:
                switch (key_) {
                    case Key::kValue:
                        return Scalar(json(std::move(v)));
                    case Key::kName:
                    case Key::kType:
                    case Key::kPattern:
                    case Key::kOnclick:
                    case Key::kAutocomplete:
                    case Key::kOnclickTrigger:
                    case Key::kOnload:
                    case Key::kOnloadTrigger:
                    case Key::kNodeType:
                    case Key::kSrc:
                    case Key::kId:
                    case Key::kHref:
                    case Key::kReferrerpolicy:
                    case Key::kCrossorigin:
                    case Key::kIntegrity:
                    case Key::kNonce:
                        attrs_.strings[static_cast<size_t>(key_)] = std::move(v);
                        return true;
                    default:
                        return false;
                }
            case Frame::kMessage:
                if (key_ == Key::kText) {
                    msg_.text = std::move(v);
                    msg_seen_ |= kMsgText;
                } else if (key_ == Key::kType) {
                    msg_.type = std::move(v);
                    msg_seen_ |= kMsgType;
                } else if (key_ == Key::kContext) {
                    msg_.context = json(std::move(v));
                } else {
                    return false;
                }
                return true;
            default:
                return false;
        }
    }

    bool start_object(std::size_t) {
        if (capturing()) return CaptureOpen(json::object());
        if (frames_.empty()) {
            if (started_) return false;
            started_ = true;
            return Open(Frame::kContainer);
        }
        switch (frames_.back()) {
            case Frame::kNodes:
                node_ = Node{};
                node_type_.clear();
                attrs_ = AnyAttributes{};
                has_attributes_ = false;
                return Open(Frame::kNode);
            case Frame::kNode:
                if (key_ == Key::kAttributes) {
                    has_attributes_ = true;
                    return Open(Frame::kAttributes);
                }
                if (key_ == Key::kMeta) return Open(Frame::kMeta);
                return false;
            case Frame::kAttributes:
                if (key_ == Key::kValue) return CaptureOpen(json::object());
                if (key_ == Key::kLabel || key_ == Key::kTitle || key_ == Key::kText) return OpenMessage(key_);
                return false;
            case Frame::kMeta:
                return key_ == Key::kLabel && OpenMessage(Key::kMeta);
            case Frame::kNodeMessages:
                return OpenMessage(Key::kNodes);
            case Frame::kMessages:
                return OpenMessage(Key::kMessages);
            case Frame::kMessage:
                return key_ == Key::kContext && CaptureOpen(json::object());
            default:
                return false;
        }
    }
    bool start_array(std::size_t) {
        if (capturing()) return CaptureOpen(json::array());
        if (frames_.empty()) return false;
        switch (frames_.back()) {
            case Frame::kContainer:
                if (key_ == Key::kNodes) return Open(Frame::kNodes);
                if (key_ == Key::kMessages) return Open(Frame::kMessages);
                return false;
            case Frame::kNode:
                return key_ == Key::kMessages && Open(Frame::kNodeMessages);
            case Frame::kAttributes:
                return key_ == Key::kValue && CaptureOpen(json::array());
            case Frame::kMessage:
                return key_ == Key::kContext && CaptureOpen(json::array());
            default:
                return false;
        }
    }
    bool key(std::string& k) {
        if (capturing()) {
            capture_key_ = std::move(k);
            return true;
        }
        const Key found = Lookup(frames_.back(), k);
        if (found == Key::kNone) return false;
        // A duplicate key: the DOM keeps the last one; leave that to it.
        const uint64_t bit = uint64_t{1} << static_cast<unsigned>(found);
        if (seen_.back() & bit) return false;
        seen_.back() |= bit;
        key_ = found;
        return true;
    }
    bool end_object() {
        if (capturing()) return CaptureClose();
        const Frame f = frames_.back();
        Close();
        switch (f) {
            case Frame::kContainer:
                done_ = true;
                return true;
            case Frame::kNode:
                if (!has_attributes_ || !TakeAttributes()) return false;
                out_.nodes.push_back(std::move(node_));
                return true;
            case Frame::kMessage:
                return DeliverMessage();
            default:  // attributes, meta: their members are kept as they come
                return true;
        }
    }
    bool end_array() {
        if (capturing()) return CaptureClose();
        Close();
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

  private:
    static constexpr unsigned kMsgId = 1, kMsgText = 2, kMsgType = 4;

    bool capturing() const { return !capture_.empty(); }

    bool Open(Frame f) {
        frames_.push_back(f);
        seen_.push_back(0);
        keys_.push_back(key_);
        key_ = Key::kNone;
        return true;
    }
    void Close() {
        frames_.pop_back();
        seen_.pop_back();
        key_ = keys_.back();
        keys_.pop_back();
    }

    // A message object for `target`: kLabel/kTitle/kText (attributes), kMeta (meta.label),
    // kNodes (a node's messages), kMessages (the container's).
    bool OpenMessage(Key target) {
        msg_ = text::Message{};
        msg_seen_ = 0;
        msg_target_ = target;
        return Open(Frame::kMessage);
    }
    bool DeliverMessage() {
        if (msg_seen_ != (kMsgId | kMsgText | kMsgType)) return false;
        switch (msg_target_) {
            case Key::kLabel:
                attrs_.label = std::move(msg_);
                return true;
            case Key::kTitle:
                attrs_.title = std::move(msg_);
                return true;
            case Key::kText:
                attrs_.text = std::move(msg_);
                return true;
            case Key::kMeta:
                node_.meta.label = std::move(msg_);
                return true;
            case Key::kNodes:
                node_.messages.push_back(std::move(msg_));
                return true;
            case Key::kMessages:
                out_.messages.push_back(std::move(msg_));
                return true;
            default:
                return false;
        }
    }

    // An integer: a message id, a width, height or maxlength, or a value.
    bool Integer(json::number_integer_t v, json&& as_json) {
        if (capturing()) return Capture(std::move(as_json));
        if (frames_.empty()) return false;
        if (frames_.back() == Frame::kMessage && key_ == Key::kId) {
            msg_.id = static_cast<int>(v);
            msg_seen_ |= kMsgId;
            return true;
        }
        if (frames_.back() == Frame::kAttributes) {
            switch (key_) {
                case Key::kMaxlength:
                    attrs_.maxlength = v;
                    return true;
                case Key::kWidth:
                    attrs_.width = v;
                    return true;
                case Key::kHeight:
                    attrs_.height = v;
                    return true;
                default:
                    break;
            }
        }
        return Scalar(std::move(as_json));
    }

    // A scalar that only an input's value or a message's context takes.
    bool Scalar(json&& v) {
        if (capturing()) return Capture(std::move(v));
        if (frames_.empty()) return false;
        if (frames_.back() == Frame::kAttributes && key_ == Key::kValue) {
            attrs_.value = std::move(v);
            attrs_.has_value = true;
            return true;
        }
        if (frames_.back() == Frame::kMessage && key_ == Key::kContext) {
            msg_.context = std::move(v);
            return true;
        }
        return false;
    }

    // ---- a value or context of any shape, built as the DOM parser builds it ----
    bool CaptureOpen(json&& empty) {
        if (capture_.empty()) {
            captured_ = std::move(empty);
            capture_.push_back(&captured_);
            return true;
        }
        json& parent = *capture_.back();
        json* child = parent.is_object() ? &(parent[capture_key_] = std::move(empty))
                                         : &parent.get_ref<json::array_t&>().emplace_back(std::move(empty));
        capture_.push_back(child);
        return true;
    }
    bool Capture(json&& v) {
        json& parent = *capture_.back();
        if (parent.is_object()) {
            parent[capture_key_] = std::move(v);
        } else {
            parent.get_ref<json::array_t&>().push_back(std::move(v));
        }
        return true;
    }
    bool CaptureClose() {
        capture_.pop_back();
        if (!capture_.empty()) return true;
        return Scalar(std::move(captured_));
    }

    // The node's attributes as its type has them (what AttributesFromJson reads); false when the
    // type is unknown or a message it needs is missing.
    bool TakeAttributes() {
        AnyAttributes& a = attrs_;
        if (node_type_ == kNodeInput) {
            InputAttributes in;
            in.name = a.Take(Key::kName);
            in.type = a.Take(Key::kType);
            if (a.has_value) in.value = std::move(a.value);
            in.required = a.required;
            in.label = std::move(a.label);
            in.pattern = a.Take(Key::kPattern);
            in.disabled = a.disabled;
            in.onclick = a.Take(Key::kOnclick);
            in.autocomplete = a.Take(Key::kAutocomplete);
            in.maxlength = a.maxlength;
            in.onclick_trigger = a.Take(Key::kOnclickTrigger);
            in.onload = a.Take(Key::kOnload);
            in.onload_trigger = a.Take(Key::kOnloadTrigger);
            node_.attributes = std::move(in);
            return true;
        }
        if (node_type_ == kNodeImg) {
            node_.attributes = ImageAttributes{a.Take(Key::kSrc), a.Take(Key::kId), a.width, a.height};
            return true;
        }
        if (node_type_ == kNodeAnchor) {
            if (!a.title) return false;
            node_.attributes = AnchorAttributes{a.Take(Key::kHref), std::move(*a.title), a.Take(Key::kId)};
            return true;
        }
        if (node_type_ == kNodeText) {
            if (!a.text) return false;
            node_.attributes = TextAttributes{std::move(*a.text), a.Take(Key::kId)};
            return true;
        }
        if (node_type_ == kNodeScript) {
            node_.attributes = ScriptAttributes{a.Take(Key::kSrc),
                                                a.async,
                                                a.Take(Key::kReferrerpolicy),
                                                a.Take(Key::kCrossorigin),
                                                a.Take(Key::kIntegrity),
                                                a.Take(Key::kType),
                                                a.Take(Key::kId),
                                                a.Take(Key::kNonce)};
            return true;
        }
        return false;
    }

    Container out_;
    bool started_ = false;
    bool done_ = false;
    std::vector<Frame> frames_;
    std::vector<uint64_t> seen_;  // per open object: the keys met so far
    std::vector<Key> keys_;       // per open frame: the key it was opened under
    Key key_ = Key::kNone;        // the current object's last key

    Node node_;
    std::string node_type_;
    bool has_attributes_ = false;
    AnyAttributes attrs_;

    text::Message msg_;
    unsigned msg_seen_ = 0;
    Key msg_target_ = Key::kNone;

    json captured_;
    std::vector<json*> capture_;  // the open objects and arrays of a value being captured
    std::string capture_key_;
};

static_assert(static_cast<unsigned>(Key::kCount) <= 64, "key bits fit one word");

}  // namespace

std::optional<Container> ReadContainerText(std::string_view text) {
    ContainerReader reader;
    if (!json::sax_parse(text.begin(), text.end(), &reader, json::input_format_t::json, /*strict=*/true)) {
        return std::nullopt;
    }
    return reader.Finish();
}

core::Result<Container> Container::FromJsonText(std::string_view text) {
    if (auto c = ReadContainerText(text)) return std::move(*c);
    return FromJson(json::parse(text, nullptr, /*allow_exceptions=*/false));
}

}  // namespace bia::ui
