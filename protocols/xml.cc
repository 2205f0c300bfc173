// The DOM and writer of xml.h. expat does the XML 1.0 work (well-formedness, entity and
// character reference decoding, CDATA, line-end normalisation, encodings); this file builds
// elements from its callbacks and refuses what AWS never sends and a parser should not expand.
#include "protocols/xml.h"

#include <expat.h>

#include <algorithm>
#include <cassert>
#include <cstring>
#include <memory>

namespace rime::xml {

std::string_view Element::local_name() const {
  std::string_view full = name;
  auto colon = full.find(':');
  return colon == std::string_view::npos ? full : full.substr(colon + 1);
}

const std::string* Element::attribute(std::string_view attribute_name) const {
  for (const auto& [n, value] : attributes)
    if (n == attribute_name) return &value;
  return nullptr;
}

namespace {

/// Builds the tree from expat's callbacks. `open_` is the path from the root to the element
/// being read; appending to the innermost one's children never moves an element on that path.
class TreeBuilder {
 public:
  TreeBuilder(XML_Parser parser, int max_depth) : parser_(parser), max_depth_(max_depth) {
    XML_SetUserData(parser, this);
    XML_SetElementHandler(parser, on_start, on_end);
    XML_SetCharacterDataHandler(parser, on_text);  // CDATA sections' content comes here too
    XML_SetStartDoctypeDeclHandler(parser, on_doctype);
  }

  std::optional<Element> root;
  std::string refusal;  // why a callback stopped the parser
  const Element* innermost_open() const { return open_.empty() ? nullptr : open_.back(); }

 private:
  // After stop(), expat may still deliver a few callbacks (the end of the element whose start
  // stopped it): they are ignored.
  static void XMLCALL on_start(void* self, const XML_Char* name, const XML_Char** attributes) {
    auto& b = *static_cast<TreeBuilder*>(self);
    if (b.stopped_) return;
    if (static_cast<int>(b.open_.size()) >= b.max_depth_)
      return b.stop("elements nested deeper than " + std::to_string(b.max_depth_));
    // expat itself refuses a second root element (junk after the document element).
    Element& e = b.open_.empty() ? b.root.emplace() : b.open_.back()->children.emplace_back();
    e.name = name;
    for (; attributes[0]; attributes += 2) e.attributes.emplace_back(attributes[0], attributes[1]);
    b.open_.push_back(&e);
  }
  static void XMLCALL on_end(void* self, const XML_Char*) {
    auto& b = *static_cast<TreeBuilder*>(self);
    if (!b.stopped_) b.open_.pop_back();
  }
  static void XMLCALL on_text(void* self, const XML_Char* text, int length) {
    auto& b = *static_cast<TreeBuilder*>(self);
    if (!b.stopped_ && !b.open_.empty()) b.open_.back()->text.append(text, static_cast<std::size_t>(length));
  }
  // Refused at its first byte: no AWS API takes a DTD, and without one no entity can be
  // declared, so none is expanded or fetched.
  static void XMLCALL on_doctype(void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    static_cast<TreeBuilder*>(self)->stop("DTDs are not accepted");
  }

  void stop(std::string why) {
    if (stopped_) return;
    stopped_ = true;
    refusal = std::move(why);
    XML_StopParser(parser_, XML_FALSE);
  }

  XML_Parser parser_;
  int max_depth_;
  std::vector<Element*> open_;
  bool stopped_ = false;
};

/// expat's own message, with where it stopped.
std::string describe_error(XML_Parser parser) {
  std::string message = XML_ErrorString(XML_GetErrorCode(parser));
  message += " at line " + std::to_string(XML_GetCurrentLineNumber(parser)) + ", column " +
             std::to_string(XML_GetCurrentColumnNumber(parser) + 1);
  return message;
}

/// Whether the text at `at` starts an element (not a comment, PI or end tag).
bool starts_element(std::string_view text, XML_Index at) {
  if (at < 0 || static_cast<std::size_t>(at) + 1 >= text.size()) return false;
  char next = text[static_cast<std::size_t>(at) + 1];
  return text[static_cast<std::size_t>(at)] == '<' && next != '!' && next != '?' && next != '/';
}

struct ParserDeleter {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

}  // namespace

ParsedDocument parse(std::string_view text, int max_depth) {
  // Whitespace before an XML declaration is not well-formed, but harmless: tolerated, as hand
  // written bodies (curl, heredocs) often start with a newline.
  std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != 0 && first != std::string_view::npos && text.substr(first).starts_with("<?xml"))
    text.remove_prefix(first);

  // No namespace processing: names keep their prefixes and xmlns attributes stay attributes.
  std::unique_ptr<XML_ParserStruct, ParserDeleter> owner(XML_ParserCreate(nullptr));
  XML_Parser parser = owner.get();
  if (!parser) return {std::nullopt, "out of memory"};
  TreeBuilder builder(parser, max_depth);

  // XML_Parse takes an int length: a body over 2 GiB goes in slices.
  constexpr std::size_t kSlice = 1u << 30;
  std::string_view rest = text;
  XML_Status status = XML_STATUS_OK;
  do {
    std::size_t n = std::min(rest.size(), kSlice);
    status = XML_Parse(parser, rest.data(), static_cast<int>(n), n == rest.size());
    rest.remove_prefix(n);
  } while (status == XML_STATUS_OK && !rest.empty());

  ParsedDocument result;
  if (status == XML_STATUS_OK) {
    result.root = std::move(builder.root);
    return result;
  }
  XML_Error code = XML_GetErrorCode(parser);
  if (!builder.refusal.empty()) result.error = builder.refusal;
  else if (code == XML_ERROR_NO_ELEMENTS && !builder.root) result.error = "no root element";
  else if (code == XML_ERROR_NO_ELEMENTS && builder.innermost_open())
    result.error = "the document ends inside <" + builder.innermost_open()->name + ">";
  else if (code == XML_ERROR_JUNK_AFTER_DOC_ELEMENT && starts_element(text, XML_GetCurrentByteIndex(parser)))
    result.error = "more than one root element";
  else result.error = describe_error(parser);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------

namespace {

/// Appends `value` escaped for text or (`in_attribute`) for a double-quoted attribute value.
void append_escaped(std::string& out, std::string_view value, bool in_attribute) {
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    const char* entity = nullptr;
    switch (c) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = in_attribute ? "&quot;" : nullptr; break;
      case '\'': entity = in_attribute ? "&apos;" : nullptr; break;
      default: break;
    }
    bool control = c < 0x20 && (in_attribute || (c != '\t' && c != '\n'));
    if (!entity && !control) continue;
    out.append(value.data() + run, i - run);
    run = i + 1;
    if (entity) {
      out += entity;
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      out += "&#x";
      if (c >= 0x10) out += kHex[c >> 4];
      out += kHex[c & 0xF];
      out += ';';
    }
  }
  out.append(value.data() + run, value.size() - run);
}

}  // namespace

Writer::Writer() { out_.reserve(512); }

void Writer::declaration() { out_ += R"(<?xml version="1.0" encoding="UTF-8"?>)"; }

void Writer::end_start_tag() {
  if (!start_tag_open_) return;
  out_ += '>';
  start_tag_open_ = false;
}

void Writer::open(std::string_view name) {
  end_start_tag();
  out_ += '<';
  open_names_.emplace_back(out_.size(), name.size());
  out_ += name;
  start_tag_open_ = true;
}

void Writer::attribute(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  append_escaped(out_, value, /*in_attribute=*/true);
  out_ += '"';
}

void Writer::text(std::string_view value) {
  end_start_tag();
  append_escaped(out_, value, /*in_attribute=*/false);
}

void Writer::close() {
  assert(!open_names_.empty() && "close() without a matching open()");
  auto [at, length] = open_names_.back();
  open_names_.pop_back();
  if (start_tag_open_) {
    out_ += "/>";
    start_tag_open_ = false;
    return;
  }
  out_ += "</";
  std::size_t end = out_.size();
  out_.resize(end + length + 1);  // the name is copied after the resize: it may move the buffer
  std::memcpy(out_.data() + end, out_.data() + at, length);
  out_.back() = '>';
}

void Writer::element(std::string_view name, std::string_view value) {
  open(name);
  text(value);
  close();
}

std::string Writer::take() {
  std::string document = std::move(out_);
  out_.clear();
  open_names_.clear();
  start_tag_open_ = false;
  return document;
}

}  // namespace rime::xml
