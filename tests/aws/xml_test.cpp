// The tolerant XML reader and the escaper S3 bodies need.
#include "aws/xml.hpp"

#include <gtest/gtest.h>

namespace csv2ddb::aws {
namespace {

TEST(ParseXml, ListObjectsShape) {
  auto doc = parse_xml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!-- a comment -->\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n"
      "  <Name>bucket</Name>\n"
      "  <Contents><Key>a&amp;b.csv</Key><Size>10</Size></Contents>\n"
      "  <Contents><Key><![CDATA[<raw> & text]]></Key><Size>20</Size></Contents>\n"
      "  <IsTruncated>false</IsTruncated>\n"
      "  <Empty/>\n"
      "</ListBucketResult>\n");
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  EXPECT_EQ(doc->name, "ListBucketResult");
  ASSERT_EQ(doc->attributes.size(), 1u);
  EXPECT_EQ(doc->attributes[0].first, "xmlns");
  EXPECT_EQ(doc->attributes[0].second, "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_EQ(doc->child_text("Name"), "bucket");
  auto contents = doc->children_named("Contents");
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0]->child_text("Key"), "a&b.csv");
  EXPECT_EQ(contents[1]->child_text("Key"), "<raw> & text");
  EXPECT_EQ(contents[1]->child_text("Size"), "20");
  ASSERT_NE(doc->child("Empty"), nullptr);
  EXPECT_EQ(doc->child("Empty")->text, "");
  EXPECT_EQ(doc->child("Missing"), nullptr);
  EXPECT_EQ(doc->child_text("Missing"), "");
}

TEST(ParseXml, NamespacePrefixesAreDropped) {
  auto doc = parse_xml("<s3:Error xmlns:s3='x'><s3:Code>A</s3:Code></s3:Error>");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->name, "Error");
  EXPECT_EQ(doc->child_text("Code"), "A");
}

TEST(ParseXml, Errors) {
  struct Case {
    const char* doc;
    const char* message;
  };
  for (auto c : {Case{"", "expected a root element at byte 0"},
                 Case{"<a><b></a>", "</a> does not close <b> at byte 9"},
                 Case{"<a>x &bogus; y</a>", "bad entity reference at byte 5"},
                 Case{"<a>", "missing </a> at byte 3"},
                 Case{"<a></a><b/>", "unexpected content after the root element at byte 7"},
                 Case{"<a>&#xD800;</a>", "bad entity reference at byte 3"}}) {
    auto doc = parse_xml(c.doc);
    ASSERT_FALSE(doc.ok()) << c.doc;
    EXPECT_EQ(doc.error().code, "InvalidXml");
    EXPECT_EQ(doc.error().message, c.message) << c.doc;
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "<a>";
  EXPECT_FALSE(parse_xml(deep).ok());
}

TEST(ParseXml, DoctypeProcessingInstructionsAttributesAndSplitText) {
  auto doc = parse_xml(
      "<?xml version='1.0'?><!DOCTYPE Error><?pi data?>"
      "<Error a='1 &amp; 2' b=\"x&lt;y\">one<!-- c -->two<Inner>in</Inner>three</Error>");
  ASSERT_TRUE(doc.ok()) << doc.error().to_string();
  ASSERT_EQ(doc->attributes.size(), 2u);
  EXPECT_EQ(doc->attributes[0].second, "1 & 2");
  EXPECT_EQ(doc->attributes[1].second, "x<y");
  EXPECT_EQ(doc->text, "onetwothree");  // the element's own text, children's apart
  EXPECT_EQ(doc->child_text("Inner"), "in");
  EXPECT_EQ(doc->child("Missing"), nullptr);
  EXPECT_EQ(doc->child_text("Missing"), "");
}

TEST(ParseXml, DepthLimitIsExact) {
  auto nested = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "<a>";
    for (int i = 0; i < depth; ++i) text += "</a>";
    return text;
  };
  EXPECT_TRUE(parse_xml(nested(32)).ok());
  EXPECT_FALSE(parse_xml(nested(33)).ok());
  XmlParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_TRUE(parse_xml(nested(2), shallow).ok());
  EXPECT_FALSE(parse_xml(nested(3), shallow).ok());
}

TEST(ParseXml, TruncatedDocumentsAreErrorsNeverCrashes) {
  const std::string whole =
      "<?xml version=\"1.0\"?><R x=\"1\"><![CDATA[a]]><K>v&amp;w</K><!-- c --></R>";
  for (std::size_t cut = 0; cut < whole.size(); ++cut) {
    auto doc = parse_xml(whole.substr(0, cut));
    ASSERT_FALSE(doc.ok()) << cut;
    EXPECT_EQ(doc.error().code, "InvalidXml");
  }
  EXPECT_TRUE(parse_xml(whole).ok());
}

TEST(XmlEscape, EscapesTheFiveAndCarriageReturn) {
  EXPECT_EQ(xml_escape("a&b<c>d\"e'f\rg\n\xC3\xA9"),
            "a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g\n\xC3\xA9");
  auto back = xml_unescape(xml_escape("x&y<z>\"'\r"));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "x&y<z>\"'\r");
  EXPECT_EQ(*xml_unescape("&#65;&#x42;&#x1F600;"), "AB\xF0\x9F\x98\x80");
  EXPECT_FALSE(xml_unescape("&#0;").ok());
  EXPECT_FALSE(xml_unescape("& alone").ok());
}

}  // namespace
}  // namespace csv2ddb::aws
