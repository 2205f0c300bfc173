// XML for the protocol layer and the few services that read XML themselves (STS's SAML
// assertions): a read-only DOM parsed with expat, and a compact writer.
//
// Why expat and this much only: AWS's XML is small documents of elements, attributes and text;
// nobody needs namespaces resolved (documents are matched by local name, prefixes kept as
// written), comments, processing instructions or a DTD. expat is a C library Debian ships as a
// static archive, so the daemon links it in and keeps libc as its only shared library
// (DESIGN.md's idle-memory and start-up budget).
//
// Safety: a DOCTYPE is refused as soon as it starts, so no entity is ever declared, expanded
// (no billion laughs; expat's own amplification limits stay at their defaults as well) or loaded
// from outside; element nesting is capped.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rime::xml {

/// One element of a parsed document.
struct Element {
  std::string name;  // as written, prefix included: "saml:Issuer"
  std::vector<std::pair<std::string, std::string>> attributes;  // as written, in document order
  std::vector<Element> children;  // child elements, in document order
  /// The character data directly inside this element (not its children's), CDATA sections
  /// included, concatenated; entities and character references decoded, whitespace kept.
  std::string text;

  /// The name without its prefix: "Issuer" for "saml:Issuer".
  std::string_view local_name() const;
  /// The value of the attribute named `attribute_name` as written, or nullptr.
  const std::string* attribute(std::string_view attribute_name) const;
};

/// Deepest element nesting parse() accepts by default (the root element is depth 1).
inline constexpr int kDefaultMaxDepth = 100;

/// What parse() returns: the root element, or why the text was refused.
struct ParsedDocument {
  std::optional<Element> root;  // empty exactly when `error` is set
  std::string error;
};

/// Parses one whole document (UTF-8 unless it declares or marks another encoding expat knows).
/// Refuses, with a message: text that is not well-formed XML 1.0 (including references to
/// undeclared entities), no root element ("no root element"), a second one ("more than one root
/// element"), a DOCTYPE ("DTDs are not accepted") and elements nested deeper than `max_depth`.
/// Comments and processing instructions are skipped.
ParsedDocument parse(std::string_view text, int max_depth = kDefaultMaxDepth);

/// Writes a document compactly, as AWS does: `<a x="1"><b>t</b><c/></a>`, no indentation.
/// Text escapes &, < and >; attribute values also " and ' (as &quot; and &apos;). Control
/// characters are written as character references (&#xD;), in text all but tab and newline, in
/// attribute values all of them, so that the reader's parser does not normalise them away (an
/// S3 key or an SQS message body keeps its "\r"). Names are written as given.
class Writer {
 public:
  Writer();

  /// `<?xml version="1.0" encoding="UTF-8"?>`, before the root element.
  void declaration();
  /// Starts element `name` inside the element open now (or as the root).
  void open(std::string_view name);
  /// An attribute of the element just opened: only before its first text or child.
  void attribute(std::string_view name, std::string_view value);
  /// Text inside the open element. Even empty text ends the start tag: `<a></a>`, not `<a/>`.
  void text(std::string_view value);
  /// Ends the innermost open element: `<a/>` when nothing was written inside it.
  void close();
  /// open(name), text(value), close().
  void element(std::string_view name, std::string_view value);

  /// The document written so far; the writer is empty afterwards.
  std::string take();

 private:
  void end_start_tag();

  std::string out_;
  /// Where each open element's name is in out_ (offset, length): its end tag copies it from there.
  std::vector<std::pair<std::size_t, std::size_t>> open_names_;
  bool start_tag_open_ = false;
};

}  // namespace rime::xml
