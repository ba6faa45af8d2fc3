// panosc/filter.cpp - reading a LoopBack filter: where trees, includes, scopes, order, fields.
#include "filter.h"

#include <fmt/format.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <utility>

#include "atlas/panosc.h"
#include "schema/text.h"

namespace atlas::panosc::detail {
namespace {

using Json = rapidjson::Value;

constexpr std::size_t kMaxValues = 256;  // inq / nin operands
constexpr std::size_t kMaxShown = 60;    // bytes of a value quoted in a message
// A pattern or a text is matched against every candidate's text fields:
// bound how many and how long.
constexpr std::size_t kMaxPatterns = 8;
constexpr std::size_t kMaxPatternBytes = 128;
constexpr std::size_t kMaxTextBytes = 256;

constexpr std::array<std::pair<std::string_view, Op>, 13> kOps{{
    {"eq", Op::eq},
    {"neq", Op::neq},
    {"gt", Op::gt},
    {"gte", Op::gte},
    {"lt", Op::lt},
    {"lte", Op::lte},
    {"between", Op::between},
    {"inq", Op::inq},
    {"nin", Op::nin},
    {"like", Op::like},
    {"nlike", Op::nlike},
    {"ilike", Op::ilike},
    {"nilike", Op::nilike},
}};
constexpr std::string_view kOpList = "eq, neq, gt, gte, lt, lte, between, inq, nin, like, nlike, ilike, nilike";

Error refuse(const std::string& path, std::string_view what) {
    return Error{Errc::invalid_request, fmt::format("{}: {}", path, what)};
}

std::string shown(const Json& v) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    v.Accept(writer);
    std::string text(buffer.GetString(), buffer.GetSize());
    if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "...";
    return text;
}

std::string name_of(const Json& name) { return {name.GetString(), name.GetStringLength()}; }

Result<Scalar> scalar_of(const Json& v, const std::string& path) {
    Scalar s;
    if (v.IsNull()) return s;
    if (v.IsBool()) {
        s.type = Scalar::Type::boolean;
        s.boolean = v.GetBool();
    } else if (v.IsNumber()) {
        s.type = Scalar::Type::number;
        s.number = v.GetDouble();
    } else if (v.IsString()) {
        s.type = Scalar::Type::string;
        s.string = name_of(v);
    } else {
        return refuse(path, fmt::format("{} is not a string, number, boolean or null", shown(v)));
    }
    return s;
}

class Reader {
  public:
    Result<Where> where(const Json& v, const std::string& path, int depth);
    Result<Scope> scope(const Json& v, const std::string& path, int depth);

  private:
    Status deeper(const std::string& path, int depth) const;
    Status add_member(Where& w, const std::string& name, const Json& value, const std::string& path,
                      int depth);
    Status add_leaves(Where& w, const std::string& property, const Json& value,
                      const std::string& path);
    Status add_text(Where& w, const Json& value, const std::string& path);
    Status count_pattern(const std::string& path);
    Result<Where> leaf(const std::string& property, Op op, const Json& value,
                       const std::string& path);
    Status includes(const Json& v, const std::string& path, int depth, std::vector<Include>& out);
    Status order(const Json& v, const std::string& path, std::vector<Order>& out);
    Status fields(const Json& v, const std::string& path, Fields& out);
    Result<std::uint32_t> count(const Json& v, const std::string& path, std::uint32_t most);

    std::size_t patterns_ = 0;
};

Status Reader::deeper(const std::string& path, int depth) const {
    if (depth > kMaxFilterDepth) {
        return refuse(path, fmt::format("nested more than {} levels deep", kMaxFilterDepth));
    }
    return {};
}

Result<Where> Reader::where(const Json& v, const std::string& path, int depth) {
    if (auto s = deeper(path, depth); !s.ok()) return s.error();
    if (!v.IsObject()) return refuse(path, fmt::format("{} is not an object", shown(v)));
    Where w;
    for (const auto& m : v.GetObject()) {
        std::string name = name_of(m.name);
        if (auto s = add_member(w, name, m.value, path + "." + name, depth); !s.ok()) return s.error();
    }
    if (w.children.size() == 1) return std::move(w.children.front());
    return w;
}

Status Reader::add_member(Where& w, const std::string& name, const Json& value,
                          const std::string& path, int depth) {
    if (name == "and" || name == "or") {
        if (!value.IsArray()) return refuse(path, fmt::format("{} is not an array", shown(value)));
        Where group;
        group.kind = name == "and" ? Where::Kind::all : Where::Kind::any;
        for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
            auto child = where(value[i], fmt::format("{}[{}]", path, i), depth + 1);
            if (!child.ok()) return child.error();
            group.children.push_back(std::move(child).value());
        }
        w.children.push_back(std::move(group));
        return {};
    }
    if (name == "text") return add_text(w, value, path);
    if (name.empty()) return refuse(path, "a property name is empty");
    return add_leaves(w, name, value, path);
}

// {"title": "x"} is equality; {"title": {"like": "x", "options": "i"}} an operator
// (several operators on one property all hold).
Status Reader::add_leaves(Where& w, const std::string& property, const Json& value,
                          const std::string& path) {
    if (!value.IsObject()) {
        auto l = leaf(property, Op::eq, value, path);
        if (!l.ok()) return l.error();
        w.children.push_back(std::move(l).value());
        return {};
    }
    bool case_blind = false;
    if (auto o = value.FindMember("options"); o != value.MemberEnd()) {
        if (!o->value.IsString() || std::string_view(o->value.GetString()) != "i") {
            return refuse(path + ".options", fmt::format("{} is not \"i\" (the only option)",
                                                         shown(o->value)));
        }
        case_blind = true;
    }
    if (value.MemberCount() == (case_blind ? 1U : 0U)) return refuse(path, "no operator");
    for (const auto& m : value.GetObject()) {
        std::string op_name = name_of(m.name);
        if (op_name == "options") continue;
        auto op = std::find_if(kOps.begin(), kOps.end(), [&](auto& p) { return p.first == op_name; });
        if (op == kOps.end()) {
            return refuse(path, fmt::format("unknown operator '{}' (takes {})", op_name, kOpList));
        }
        Op o = op->second;
        if (case_blind && o == Op::like) o = Op::ilike;
        if (case_blind && o == Op::nlike) o = Op::nilike;
        auto l = leaf(property, o, m.value, path + "." + op_name);
        if (!l.ok()) return l.error();
        w.children.push_back(std::move(l).value());
    }
    return {};
}

Result<Where> Reader::leaf(const std::string& property, Op op, const Json& value,
                           const std::string& path) {
    Where w;
    w.kind = Where::Kind::leaf;
    w.property = property;
    w.op = op;
    const bool list = op == Op::between || op == Op::inq || op == Op::nin;
    if (!list) {
        auto s = scalar_of(value, path);
        if (!s.ok()) return s.error();
        bool pattern = op == Op::like || op == Op::nlike || op == Op::ilike || op == Op::nilike;
        if (pattern && s.value().type != Scalar::Type::string) {
            return refuse(path, fmt::format("{} is not a string pattern", shown(value)));
        }
        if (pattern) {
            if (s.value().string.size() > kMaxPatternBytes) {
                return refuse(path, fmt::format("the pattern is {} bytes, over the limit of {}",
                                                s.value().string.size(), kMaxPatternBytes));
            }
            if (auto c = count_pattern(path); !c.ok()) return c.error();
            auto compiled = Pattern::compile(s.value().string);
            if (!compiled.ok()) return refuse(path, compiled.error().message);
            w.pattern = std::move(compiled).value();
        }
        w.operands.push_back(std::move(s).value());
        return w;
    }
    if (!value.IsArray()) return refuse(path, fmt::format("{} is not an array", shown(value)));
    if (op == Op::between && value.Size() != 2) {
        return refuse(path, fmt::format("{} is not [low, high]", shown(value)));
    }
    if (value.Size() > kMaxValues) {
        return refuse(path, fmt::format("{} values, over the limit of {}", value.Size(), kMaxValues));
    }
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        auto s = scalar_of(value[i], fmt::format("{}[{}]", path, i));
        if (!s.ok()) return s.error();
        w.operands.push_back(std::move(s).value());
    }
    if (op == Op::between && w.operands[0].type != w.operands[1].type) {
        return refuse(path, fmt::format("{} mixes types: a range is of numbers, or of strings", shown(value)));
    }
    return w;
}

Status Reader::count_pattern(const std::string& path) {
    if (++patterns_ > kMaxPatterns) {
        return refuse(path, fmt::format("more than {} patterns and texts in one filter", kMaxPatterns));
    }
    return {};
}

// {"text": "lung scans"}: the words of the entity's text fields.
Status Reader::add_text(Where& w, const Json& value, const std::string& path) {
    if (!value.IsString()) return refuse(path, fmt::format("{} is not a string", shown(value)));
    if (value.GetStringLength() > kMaxTextBytes) {
        return refuse(path, fmt::format("the text is {} bytes, over the limit of {}",
                                        value.GetStringLength(), kMaxTextBytes));
    }
    if (auto c = count_pattern(path); !c.ok()) return c;
    w.children.push_back(text_condition(name_of(value)));
    return {};
}

Result<std::uint32_t> Reader::count(const Json& v, const std::string& path, std::uint32_t most) {
    double n = -1;
    if (v.IsNumber()) {
        n = v.GetDouble();
    } else if (v.IsString()) {
        std::string text = name_of(v);
        if (!text.empty() && text.size() < 10 &&
            std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
            n = std::stod(text);
        }
    }
    if (!(n >= 0) || n != std::floor(n)) {
        return refuse(path, fmt::format("{} is not a whole number of 0 or more", shown(v)));
    }
    if (n > most) return refuse(path, fmt::format("{} is over the limit of {}", shown(v), most));
    return static_cast<std::uint32_t>(n);
}

Status Reader::includes(const Json& v, const std::string& path, int depth,
                        std::vector<Include>& out) {
    if (auto s = deeper(path, depth); !s.ok()) return s;
    if (v.IsString()) {
        out.push_back(Include{.relation = name_of(v), .scope = {}, .path = path});
        return {};
    }
    if (v.IsArray()) {
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
            if (auto s = includes(v[i], fmt::format("{}[{}]", path, i), depth + 1, out); !s.ok()) {
                return s;
            }
        }
        return {};
    }
    if (!v.IsObject()) {
        return refuse(path, fmt::format("{} is not a relation, a list or an object", shown(v)));
    }
    auto relation = v.FindMember("relation");
    if (relation == v.MemberEnd()) {  // {"members": "person"}: a relation and its includes
        for (const auto& m : v.GetObject()) {
            Include inc{.relation = name_of(m.name), .scope = {}, .path = path};
            if (auto s = includes(m.value, path + "." + inc.relation, depth + 1, inc.scope.include);
                !s.ok()) {
                return s;
            }
            out.push_back(std::move(inc));
        }
        return {};
    }
    if (!relation->value.IsString()) {
        return refuse(path + ".relation", fmt::format("{} is not a string", shown(relation->value)));
    }
    Include inc{.relation = name_of(relation->value), .scope = {}, .path = path};
    for (const auto& m : v.GetObject()) {
        std::string name = name_of(m.name);
        if (name == "relation") continue;
        if (name != "scope") return refuse(path, fmt::format("unknown member '{}' (takes relation, scope)", name));
        auto scope_of = scope(m.value, path + ".scope", depth + 1);
        if (!scope_of.ok()) return scope_of.error();
        inc.scope = std::move(scope_of).value();
    }
    out.push_back(std::move(inc));
    return {};
}

Status Reader::order(const Json& v, const std::string& path, std::vector<Order>& out) {
    if (v.IsArray()) {
        for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
            if (auto s = order(v[i], fmt::format("{}[{}]", path, i), out); !s.ok()) return s;
        }
        return {};
    }
    if (!v.IsString()) return refuse(path, fmt::format("{} is not \"property ASC|DESC\"", shown(v)));
    std::string text = name_of(v);
    auto space = text.find(' ');
    Order o{.property = text.substr(0, space)};
    if (space != std::string::npos) {
        std::string dir = text.substr(space + 1);
        std::transform(dir.begin(), dir.end(), dir.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (dir != "ASC" && dir != "DESC") {
            return refuse(path, fmt::format("'{}' is not \"property ASC|DESC\"", text));
        }
        o.descending = dir == "DESC";
    }
    if (o.property.empty()) return refuse(path, "names no property");
    out.push_back(std::move(o));
    return {};
}

Status Reader::fields(const Json& v, const std::string& path, Fields& out) {
    if (v.IsArray()) {
        for (const auto& f : v.GetArray()) {
            if (!f.IsString()) return refuse(path, fmt::format("{} is not a property name", shown(f)));
            out.only.insert(name_of(f));
        }
        return {};
    }
    if (!v.IsObject()) return refuse(path, fmt::format("{} is not an object or a list", shown(v)));
    for (const auto& m : v.GetObject()) {
        if (!m.value.IsBool()) {
            return refuse(path + "." + name_of(m.name), fmt::format("{} is not true or false", shown(m.value)));
        }
        (m.value.GetBool() ? out.only : out.except).insert(name_of(m.name));
    }
    if (!out.only.empty()) out.except.clear();  // LoopBack: any true lists what is shown
    return {};
}

Result<Scope> Reader::scope(const Json& v, const std::string& path, int depth) {
    if (auto s = deeper(path, depth); !s.ok()) return s.error();
    if (!v.IsObject()) return refuse(path, fmt::format("{} is not an object", shown(v)));
    Scope scope;
    for (const auto& m : v.GetObject()) {
        std::string name = name_of(m.name);
        std::string at = path + "." + name;
        Status s;
        if (name == "where") {
            auto w = where(m.value, at, depth + 1);
            if (!w.ok()) return w.error();
            scope.where = std::move(w).value();
            scope.has_where = !scope.where.empty();
        } else if (name == "include") {
            s = includes(m.value, at, depth + 1, scope.include);
        } else if (name == "limit") {
            auto n = count(m.value, at, kMaxLimit);
            if (!n.ok()) return n.error();
            if (n.value() > 0) scope.limit = n.value();  // 0: no limit, as in LoopBack
        } else if (name == "skip" || name == "offset") {
            auto n = count(m.value, at, kMaxSkip);
            if (!n.ok()) return n.error();
            scope.skip = n.value();
        } else if (name == "order") {
            s = order(m.value, at, scope.order);
        } else if (name == "fields") {
            s = fields(m.value, at, scope.fields);
        } else if (name == "query" && depth == 0) {
            if (!m.value.IsString()) return refuse(at, fmt::format("{} is not a string", shown(m.value)));
            scope.query = name_of(m.value);
        } else {
            return refuse(path, fmt::format("unknown member '{}' (takes where, include, fields, "
                                            "order, limit, skip, offset{})",
                                            name, depth == 0 ? ", query" : ""));
        }
        if (!s.ok()) return s.error();
    }
    return scope;
}

Result<rapidjson::Document> parse_json(std::string_view text, std::string_view what) {
    if (text.size() > kMaxFilterBytes) {
        return Error{Errc::invalid_request, fmt::format("{} is {} bytes, over the limit of {}", what,
                                                        text.size(), kMaxFilterBytes)};
    }
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(),
                                                                                  text.size());
    if (doc.HasParseError()) {
        return Error{Errc::invalid_request,
                     fmt::format("{} is not valid JSON (at byte {}: {})", what, doc.GetErrorOffset(),
                                 rapidjson::GetParseError_En(doc.GetParseError()))};
    }
    return doc;
}

}  // namespace

Where text_condition(std::string_view text) {
    Where t;
    t.kind = Where::Kind::text;
    t.text = fold(text);
    for (const auto& token : tokenize(t.text)) t.words.push_back(stem(token.term));
    return t;
}

bool Fields::shows(std::string_view property) const {
    std::string p(property);
    if (!only.empty()) return only.count(p) > 0;
    return except.count(p) == 0;
}

namespace {

// An empty filter, or null, is no filter (as LoopBack reads them).
bool no_filter(std::string_view json) {
    auto begin = json.find_first_not_of(" \t\r\n");
    if (begin == std::string_view::npos) return true;
    auto end = json.find_last_not_of(" \t\r\n");
    return json.substr(begin, end - begin + 1) == "null";
}

}  // namespace

Result<Scope> parse_filter(std::string_view json) {
    if (no_filter(json)) return Scope{};
    auto doc = parse_json(json, "filter");
    if (!doc.ok()) return doc.error();
    return Reader().scope(doc.value(), "filter", 0);
}

Result<Where> parse_where(std::string_view json) {
    if (no_filter(json)) return Where{};
    auto doc = parse_json(json, "where");
    if (!doc.ok()) return doc.error();
    return Reader().where(doc.value(), "where", 0);
}

}  // namespace atlas::panosc::detail
