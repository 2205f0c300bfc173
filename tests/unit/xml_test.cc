// protocols/xml.h: the expat-based DOM (entities, CDATA, attributes, prefixes as written,
// whitespace, depth limit, and what it refuses: malformed text, several roots, DTDs) and the
// writer's escaping, byte for byte as restXml and awsQuery responses carry it.
#include <catch2/catch.hpp>

#include <string>

#include "protocols/xml.h"

using namespace rime;
using namespace std::string_literals;

namespace {

xml::Element parse_ok(std::string_view text) {
  xml::ParsedDocument doc = xml::parse(text);
  INFO(doc.error);
  REQUIRE(doc.root);
  CHECK(doc.error.empty());
  return std::move(*doc.root);
}

std::string parse_error(std::string_view text, int max_depth = xml::kDefaultMaxDepth) {
  xml::ParsedDocument doc = xml::parse(text, max_depth);
  CHECK_FALSE(doc.root);
  CHECK_FALSE(doc.error.empty());
  return doc.error;
}

std::string nested(int depth) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += "<a>";
  for (int i = 0; i < depth; ++i) s += "</a>";
  return s;
}

}  // namespace

// The five predefined entities and character references (decimal, hex, beyond the BMP) are
// decoded in text and in attribute values, as XML 1.0 requires.
TEST_CASE("xml parse: entities and character references", "[xml]") {
  xml::Element root = parse_ok(R"(<r a="&quot;&apos;&lt;&gt;&amp;&#65;"><k>a&amp;b &lt;c&gt; &#x1F600;&#233;</k></r>)");
  CHECK(*root.attribute("a") == "\"'<>&A");
  REQUIRE(root.children.size() == 1);
  CHECK(root.children[0].text == "a&b <c> \xF0\x9F\x98\x80\xC3\xA9");
  // A carriage return written as a reference survives; a raw CRLF is a newline (XML 1.0 2.11).
  CHECK(parse_ok("<k>a&#xD;b\r\nc\rd</k>").text == "a\rb\nc\nd");
}

// Text is everything directly inside an element, CDATA included, in order; children's text is theirs.
TEST_CASE("xml parse: text, CDATA, whitespace and comments", "[xml]") {
  xml::Element root = parse_ok("<r>one<![CDATA[<two&>]]><!-- skipped --><c>child</c> three</r>");
  CHECK(root.text == "one<two&> three");
  REQUIRE(root.children.size() == 1);
  CHECK(root.children[0].text == "child");
  CHECK(parse_ok("<k>  spaced\t</k>").text == "  spaced\t");
  CHECK(parse_ok("<k> </k>").text == " ");  // a key of one space is a key
  CHECK(parse_ok("<k/>").text.empty());
  CHECK(parse_ok("<?xml version=\"1.0\" encoding=\"UTF-8\"?><?pi x?><k>v</k><!-- after -->\n").text == "v");
  // Leading whitespace before the declaration is tolerated (hand-written bodies).
  CHECK(parse_ok("\n  <?xml version=\"1.0\"?>\n<k>v</k>").text == "v");
}

// Names keep their prefixes; xmlns declarations are ordinary attributes, in document order.
TEST_CASE("xml parse: names and attributes as written", "[xml]") {
  xml::Element root = parse_ok(
      R"(<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" ID='x' b="2">)"
      R"(<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">idp</saml2:Issuer></saml2p:Response>)");
  CHECK(root.name == "saml2p:Response");
  CHECK(root.local_name() == "Response");
  REQUIRE(root.attributes.size() == 3);
  CHECK(root.attributes[0].first == "xmlns:saml2p");
  CHECK(root.attributes[0].second == "urn:oasis:names:tc:SAML:2.0:protocol");
  CHECK(root.attributes[1].first == "ID");
  CHECK(root.attributes[2].first == "b");
  CHECK(*root.attribute("ID") == "x");
  CHECK(root.attribute("id") == nullptr);
  CHECK(root.children[0].name == "saml2:Issuer");
  CHECK(root.children[0].local_name() == "Issuer");
  CHECK(parse_ok("<plain/>").local_name() == "plain");
}

TEST_CASE("xml parse: children in order", "[xml]") {
  xml::Element root = parse_ok("<r><a>1</a><b><c>2</c></b><a>3</a></r>");
  REQUIRE(root.children.size() == 3);
  CHECK(root.children[0].text == "1");
  CHECK(root.children[1].children[0].text == "2");
  CHECK(root.children[2].text == "3");
}

// The limit counts the root as depth 1.
TEST_CASE("xml parse: depth limit", "[xml]") {
  CHECK(xml::parse(nested(xml::kDefaultMaxDepth)).root);
  CHECK(parse_error(nested(xml::kDefaultMaxDepth + 1)) == "elements nested deeper than 100");
  CHECK(parse_error(nested(5000)) == "elements nested deeper than 100");
  CHECK(xml::parse(nested(3), 3).root);
  CHECK(parse_error("<a><b><c/></b></a>", 2) == "elements nested deeper than 2");
}

// Malformed text is refused with expat's message and where; a few cases have their own words.
TEST_CASE("xml parse: malformed documents", "[xml]") {
  CHECK(parse_error("<a><b></a>").starts_with("mismatched tag at line 1, column"));
  CHECK(parse_error("not xml at all") == "syntax error at line 1, column 1");
  CHECK(parse_error("<a>").find("<a>") != std::string::npos);  // ends inside <a>
  CHECK(parse_error("<a x=1/>").find("not well-formed") != std::string::npos);
  CHECK(parse_error("<a x=\"1\" x=\"2\"/>").find("duplicate attribute") != std::string::npos);
  CHECK(parse_error("<a>&undeclared;</a>").find("undefined entity") != std::string::npos);
  CHECK(parse_error("<a>&#0;</a>").find("reference to invalid character number") != std::string::npos);
  CHECK(parse_error("<a>\xFF</a>").find("not well-formed") != std::string::npos);  // not UTF-8
  CHECK(parse_error("<a/>trailing text").find("junk after document element") != std::string::npos);
  CHECK(parse_error("") == "no root element");
  CHECK(parse_error("  <!-- only a comment -->") == "no root element");
  CHECK(parse_error("<a/><b/>") == "more than one root element");
  CHECK(parse_error("<a></a>\n<a></a>") == "more than one root element");
}

// No DTD at all: no entity can be declared, so none is expanded (billion laughs) or fetched.
TEST_CASE("xml parse: DOCTYPE is refused", "[xml]") {
  CHECK(parse_error("<!DOCTYPE a [<!ENTITY x \"xxxx\">]><a>&x;</a>") == "DTDs are not accepted");
  CHECK(parse_error("<!DOCTYPE a SYSTEM \"file:///etc/passwd\"><a/>") == "DTDs are not accepted");
  CHECK(parse_error("<?xml version=\"1.0\"?><!DOCTYPE a><a/>") == "DTDs are not accepted");
  std::string laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">";
  laughs += "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">";
  laughs += "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">]><lolz>&lol2;</lolz>";
  CHECK(parse_error(laughs) == "DTDs are not accepted");
}

// Other encodings are decoded to UTF-8 when the document says or marks which.
TEST_CASE("xml parse: declared encodings", "[xml]") {
  CHECK(parse_ok("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><k>\xE9</k>").text == "\xC3\xA9");
  CHECK(parse_ok("\xEF\xBB\xBF<k>bom</k>").text == "bom");
}

// --------------------------------------------------------------------------------------------
// Writer

TEST_CASE("xml writer: compact elements, empty and self-closed", "[xml]") {
  xml::Writer w;
  w.declaration();
  w.open("Root");
  w.attribute("xmlns", "https://example.com/doc/2020-01-01/");
  w.element("Empty", "");
  w.open("Nothing");
  w.close();
  w.open("Nested");
  w.attribute("id", "1");
  w.element("Leaf", "v");
  w.close();
  w.close();
  CHECK(w.take() == R"(<?xml version="1.0" encoding="UTF-8"?><Root xmlns="https://example.com/doc/2020-01-01/">)"
                    R"(<Empty></Empty><Nothing/><Nested id="1"><Leaf>v</Leaf></Nested></Root>)");
  // take() leaves the writer empty and ready for another document.
  w.element("Again", "x");
  CHECK(w.take() == "<Again>x</Again>");
}

// As tinyxml2's printer wrote them: &, <, > in text ('"' and "'" raw); attributes also &quot;
// and &apos;. Controls but tab and LF as references in text (SQS bodies and S3 keys keep "\r").
TEST_CASE("xml writer: escaping", "[xml]") {
  xml::Writer w;
  w.open("T");
  w.attribute("a", "x\"<&>'y");
  w.text("bad <body> & \"quotes\" 'apos' tab\tnl\ncr\rbell\x07nul\0end\x1F\x7F\xC3\xA9"s);
  w.close();
  CHECK(w.take() == "<T a=\"x&quot;&lt;&amp;&gt;&apos;y\">bad &lt;body&gt; &amp; \"quotes\" 'apos' "
                    "tab\tnl\ncr&#xD;bell&#x7;nul&#x0;end&#x1F;\x7F\xC3\xA9</T>");
  // Attribute values are normalised by parsers (tab, CR, LF become spaces): all are references.
  w.open("T");
  w.attribute("a", "t\tn\nr\r");
  w.close();
  CHECK(w.take() == "<T a=\"t&#x9;n&#xA;r&#xD;\"/>");
}

// Long names: the end tag copies the name from the buffer, which may have moved since.
TEST_CASE("xml writer: end tags of long names across buffer growth", "[xml]") {
  xml::Writer w;
  std::string name(300, 'N');
  w.open(name);
  w.text(std::string(100000, 'x'));
  w.close();
  std::string doc = w.take();
  CHECK(doc.size() == 1 + 300 + 1 + 100000 + 2 + 300 + 1);
  CHECK(doc.ends_with("</" + name + ">"));
}

// What the writer writes, the parser reads back unchanged.
TEST_CASE("xml writer and parser round trip", "[xml]") {
  std::string text = "k\r\ney & <v> \"q\" 'a'\t\xE2\x82\xAC";
  xml::Writer w;
  w.open("p:R");
  w.attribute("v", text);
  w.element("K", text);
  w.close();
  xml::Element root = parse_ok(w.take());
  CHECK(root.name == "p:R");
  CHECK(*root.attribute("v") == text);
  CHECK(root.children[0].text == text);
}
