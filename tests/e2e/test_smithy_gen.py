"""smithy-gen end to end: the committed output is current, --check catches drift, an
aws/api-models-aws clone (no manifest) gives the same routing facts as the prepared models, the
per-service generator copes with every model, and its C++ for a model with every shape kind,
cycles and awkward names compiles and round-trips."""

import json
import os
import shutil
import subprocess
import sys

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SMITHY_GEN = os.path.join(REPO, "smithy-gen", "smithy-gen")
MODELS = os.path.normpath(os.path.join(REPO, "..", "shared", "aws-models"))
GENERATED = "services/catalog/generated"
with open(os.path.join(REPO, "smithy-gen", "implemented.txt")) as _f:
    IMPLEMENTED = [line.split("#")[0].strip() for line in _f if line.split("#")[0].strip()]
# Every folder smithy-gen owns in the repository.
GENERATED_DIRS = [GENERATED] + [f"services/{name}/generated" for name in IMPLEMENTED]
PER_SERVICE_FILES = ("{n}_model.h", "{n}_model.cc", "{n}_types.h", "{n}_types.cc",
                     "{n}_operations.h", "{n}_operations.cc", "sources.cmake")
# Services copied into the fake api-models-aws clone: awsJson, restJson1, resource-bound.
FAKE_SERVICES = ("sqs", "lambda", "marketplace-reporting")

pytestmark = pytest.mark.skipif(not os.path.isfile(os.path.join(MODELS, "manifest.json")),
                                reason="../shared/aws-models is not present")


def run(*args):
    return subprocess.run([sys.executable, SMITHY_GEN, *args], capture_output=True, text=True,
                          timeout=300)


def copy_output(tmp_path):
    """A repository-shaped copy of the committed generated files, to tamper with."""
    root = tmp_path / "repo"
    for folder in GENERATED_DIRS:
        shutil.copytree(os.path.join(REPO, folder), root / folder)
    return root


def test_committed_output_is_current():
    """The committed generated C++ is exactly what smithy-gen makes from the models."""
    result = run("--check", "--models", MODELS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_check_names_a_modified_file(tmp_path):
    """A hand edit to a generated file fails --check, which names that file."""
    root = copy_output(tmp_path)
    target = root / GENERATED / "catalog_data.cc"
    target.write_text(target.read_text().replace('"sqs"sv', '"sqz"sv', 1))
    result = run("--check", "--models", MODELS, "--out", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"differs: {GENERATED}/catalog_data.cc"]


def test_check_names_missing_and_extra_files(tmp_path):
    """A deleted generated file and a stray file in a generated folder both fail --check."""
    root = copy_output(tmp_path)
    (root / GENERATED / "catalog_data.h").unlink()
    (root / GENERATED / "stale.cc").write_text("// left behind\n")
    result = run("--check", "--models", MODELS, "--out", str(root))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert f"missing: {GENERATED}/catalog_data.h" in lines
    assert f"extra: {GENERATED}/stale.cc" in lines
    assert len(lines) == 2


def test_api_models_layout_gives_the_same_routing_facts(tmp_path):
    """Without a manifest, facts derived from the models alone match the manifest run."""
    with open(os.path.join(MODELS, "manifest.json")) as f:
        manifest = {e["name"]: e for e in json.load(f)}
    clone = tmp_path / "api-models-aws"
    for name in FAKE_SERVICES:
        entry = manifest[name]
        dest = clone / entry["sourcePath"]  # <name>/service/<version>/<name>-<version>.json
        assert dest.parts[-4:-2] == (name, "service")
        dest.parent.mkdir(parents=True)
        shutil.copyfile(os.path.join(MODELS, entry["file"]), dest)

    from_clone = run("--dump-catalog", "--models", str(clone))
    assert from_clone.returncode == 0, from_clone.stderr
    from_manifest = run("--dump-catalog", "--models", MODELS)
    assert from_manifest.returncode == 0, from_manifest.stderr
    clone_entries = {e["name"]: e for e in json.loads(from_clone.stdout)}
    manifest_entries = {e["name"]: e for e in json.loads(from_manifest.stdout)}
    assert sorted(clone_entries) == sorted(FAKE_SERVICES)
    for name in FAKE_SERVICES:
        a, b = clone_entries[name], manifest_entries[name]
        a.pop("file"), b.pop("file")
        assert a == b, name

    # And it generates a catalog of just those services, which --check then accepts.
    out = tmp_path / "out"
    generated = run("--models", str(clone), "--out", str(out))
    assert generated.returncode == 0, generated.stderr
    header = (out / GENERATED / "catalog_data.h").read_text()
    assert "kServiceCount = 3;" in header
    assert run("--check", "--models", str(clone), "--out", str(out)).returncode == 0


def test_check_covers_per_service_files(tmp_path):
    """Per-service generated code is checked too: an edit and a stray file are both named."""
    assert "sts" in IMPLEMENTED
    root = copy_output(tmp_path)
    folder = "services/sts/generated"
    target = root / folder / "sts_types.h"
    target.write_text(target.read_text().replace("role_arn;", "role_arn_renamed;", 1))
    (root / folder / "old_handlers.cc").write_text("// left behind\n")
    result = run("--check", "--models", MODELS, "--out", str(root))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"differs: {folder}/sts_types.h", f"extra: {folder}/old_handlers.cc"]


def test_implemented_services_have_every_file_and_banner():
    """Each implemented service has its seven files, each naming its model file and hash."""
    for name in IMPLEMENTED:
        folder = os.path.join(REPO, "services", name, "generated")
        assert sorted(os.listdir(folder)) == sorted(f.format(n=name) for f in PER_SERVICE_FILES)
        for f in PER_SERVICE_FILES:
            with open(os.path.join(folder, f.format(n=name))) as text:
                first = text.readline()
            assert f"Generated by smithy-gen from aws-models/{name}.json (sha256 " in first, f
            assert "Do not edit" in first


def test_generating_every_service_succeeds(tmp_path):
    """Typed code for all 439 models generates without a crash (compiling them all would take
    hours; the implemented ones are compiled by the build)."""
    with open(os.path.join(MODELS, "manifest.json")) as f:
        names = [e["name"] for e in json.load(f)]
    out = tmp_path / "all"
    result = run("--services", "all", "--models", MODELS, "--out", str(out))
    assert result.returncode == 0, result.stderr
    for name in names:
        folder = out / "services" / name / "generated"
        for f in PER_SERVICE_FILES:
            assert (folder / f.format(n=name)).is_file(), (name, f)
    # Spot checks on the shape of the output of a large restXml and a large ec2Query model.
    s3_ops = (out / "services/s3/generated/s3_operations.h").read_text()
    assert "struct S3Handlers {" in s3_ops
    assert " put_object;" in s3_ops and " put_object_async;" in s3_ops
    ec2_model = (out / "services/ec2/generated/ec2_model.cc").read_text()
    assert "constexpr Shape kShapes[] = {" in ec2_model
    assert "ec2_query_name = " in ec2_model


# A small awsJson model with every shape kind, recursion (direct, mutual, through lists and
# maps), a union with a Unit variant, member names that are C++ keywords, struct names that
# collide with the prelude and with rime's own names, and a member-level @length.
def _kitchen_model():
    ns = "example.kitchen"

    def ref(name):
        return {"target": name if "#" in name else f"{ns}#{name}"}

    def member(name, **traits):
        out = ref(name)
        if traits:
            out["traits"] = {f"smithy.api#{k}": v for k, v in traits.items()}
        return out

    shapes = {
        "KitchenService": {"type": "service", "version": "2024-01-01",
                           "operations": [ref("Cook"), ref("Nothing")],
                           "traits": {"aws.api#service": {"sdkId": "Kitchen"},
                                      "aws.protocols#awsJson1_0": {}}},
        "Cook": {"type": "operation", "input": ref("CookInput"), "output": ref("CookOutput"),
                 "errors": [ref("Burnt")]},
        "Nothing": {"type": "operation", "input": ref("smithy.api#Unit"),
                    "output": ref("smithy.api#Unit")},
        "CookInput": {"type": "structure", "traits": {"smithy.api#input": {}}, "members": {
            "Blob": member("smithy.api#Blob"),
            "Flag": member("smithy.api#Boolean", required={}),
            "Text": member("smithy.api#String", required={}),
            "Choice": member("Color"),
            "Small": member("smithy.api#Byte"),
            "Medium": member("smithy.api#Short"),
            "Count": member("smithy.api#Integer"),
            "Level": member("Level"),
            "Big": member("smithy.api#Long"),
            "Ratio": member("smithy.api#Float"),
            "Precise": member("smithy.api#Double"),
            "Huge": member("smithy.api#BigInteger"),
            "Exact": member("smithy.api#BigDecimal"),
            "When": member("smithy.api#Timestamp", timestampFormat="date-time"),
            "Doc": member("smithy.api#Document"),
            "Names": member("Names"),
            "Scores": member("Scores"),
            "Matrix": member("Matrix"),
            "Tree": member("Node"),
            "Pick": member("Pick"),
            "default": member("smithy.api#String"),
            "class": member("smithy.api#Integer"),
            "Outcome": member("Result"),
            "Str": member("String"),
            "Loop": member("A"),
            "Limited": member("smithy.api#String", length={"min": 1, "max": 3}),
            "Defaulted": member("smithy.api#Integer", default=5),
            "OptedOut": member("smithy.api#Boolean", default=None),
        }},
        "CookOutput": {"type": "structure", "members": {"Tree": member("Node", required={})}},
        "Burnt": {"type": "structure", "members": {"message": member("smithy.api#String")},
                  "traits": {"smithy.api#error": "client", "smithy.api#httpError": 400}},
        "Color": {"type": "enum", "members": {
            "RED": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": "red"}},
            "BLUE": {"target": "smithy.api#Unit"}}},
        "Level": {"type": "intEnum", "members": {
            "LOW": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 1}},
            "HIGH": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": 2}}}},
        "Names": {"type": "list", "member": ref("smithy.api#String")},
        "Scores": {"type": "map", "key": ref("smithy.api#String"), "value": ref("smithy.api#Integer")},
        "Matrix": {"type": "list", "member": ref("Names")},
        "Nodes": {"type": "list", "member": ref("Node")},
        "NodeMap": {"type": "map", "key": ref("smithy.api#String"), "value": ref("Node")},
        "Node": {"type": "structure", "members": {
            "Value": member("smithy.api#String"), "Next": member("Node"),
            "Children": member("Nodes"), "ByName": member("NodeMap")}},
        "Pick": {"type": "union", "members": {
            "text": member("smithy.api#String"), "none": member("smithy.api#Unit"),
            "node": member("Node")}},
        "Result": {"type": "structure", "members": {"ok": member("smithy.api#Boolean")}},
        "String": {"type": "structure", "members": {"text": member("smithy.api#String")}},
        "A": {"type": "structure", "members": {"b": member("B"), "tag": member("smithy.api#String")}},
        "B": {"type": "structure", "members": {"a": member("A", required={})}},
    }
    return {"smithy": "2.0", "shapes": {f"{ns}#{k}": v for k, v in shapes.items()}}


_KITCHEN_DRIVER = r"""
#include <cstdio>

#include "services/kitchen/generated/kitchen_types.h"

using namespace rime::kitchen;
using rime::proto::Value;

#define EXPECT(cond) \
  do { if (!(cond)) { std::printf("failed: %s\n", #cond); return 1; } } while (0)

int main() {
  Node leaf;
  leaf.value = "leaf";
  Node root;
  root.value = "root";
  root.next = leaf;  // Boxed: a direct self-reference
  root.children = std::vector<Node>{leaf};
  root.by_name = std::map<std::string, Node>{{"l", leaf}};

  CookInput in;
  in.blob = std::string("\0\1", 2);
  in.flag = true;
  in.text = "t";
  in.choice = "red";
  in.small = 1;
  in.medium = 2;
  in.count = 3;
  in.level = 2;
  in.big = std::int64_t{1} << 40;
  in.ratio = 0.5;
  in.precise = 2.25;
  in.huge = "123456789012345678901234567890";
  in.exact = "1.5";
  in.when = rime::proto::Timestamp{1234};
  Value doc = Value::object();
  doc.set("k", Value(rime::proto::List{Value(1), Value("two"), Value(nullptr)}));
  in.doc = doc;
  in.names = std::vector<std::string>{"a", "b"};
  in.scores = std::map<std::string, std::int32_t>{{"x", 1}};
  in.matrix = std::vector<std::vector<std::string>>{{"1", "2"}, {}};
  in.tree = root;
  Pick pick;
  pick.none = rime::Unit{};
  in.pick = pick;
  in.default_ = "d";
  in.class_ = 7;
  in.outcome = Result_{.ok = true};
  in.str = String_{.text = "s"};
  A a;
  a.tag = "outer";
  B b;
  b.a = A{};
  b.a->tag = "inner";
  a.b = b;  // Boxed both ways: A and B form a cycle
  in.loop = a;
  in.limited = "abc";

  Value v = to_value(in);
  EXPECT(v.find("Blob")->is_blob());
  EXPECT(v.find("Flag")->as_bool());
  EXPECT(v.find("Level")->as_int() == 2);
  EXPECT(v.find("Big")->as_int() == (std::int64_t{1} << 40));
  EXPECT(v.find("Ratio")->is_double());
  EXPECT(v.find("Huge")->is_big_number());
  EXPECT(v.find("Exact")->as_big_number().text == "1.5");
  EXPECT(v.find("When")->is_timestamp());
  EXPECT(v.find("Doc")->find("k")->as_list().size() == 3);
  EXPECT(v.find("Pick")->find("none")->is_object());
  EXPECT(v.find("Pick")->find("text") == nullptr);
  EXPECT(v.find("Tree")->find("Next")->find("Value")->as_string() == "leaf");
  EXPECT(v.find("Loop")->find("b")->find("a")->find("tag")->as_string() == "inner");
  EXPECT(v.find("default")->as_string() == "d");
  EXPECT(v.find("class")->as_int() == 7);

  CookInput back;
  from_value(v, back);
  EXPECT(back.tree == in.tree);
  EXPECT(back.loop == in.loop);
  EXPECT(back.pick == in.pick);
  EXPECT(back == in);
  back.loop->b->a->tag = "changed";
  EXPECT(!(back == in));

  CookOutput out;  // a required struct member starts empty and is always written
  EXPECT(to_value(out).find("Tree") != nullptr);
  std::printf("ok\n");
  return 0;
}
"""


@pytest.mark.skipif(shutil.which("g++") is None, reason="g++ is not installed")
def test_generated_code_for_every_shape_kind_compiles_and_round_trips(tmp_path):
    """The C++ for a model with every shape kind, cycles, a Unit variant, keyword member names
    and clashing struct names compiles, and to_value/from_value round-trip every member kind."""
    clone = tmp_path / "models"
    path = clone / "kitchen" / "service" / "2024-01-01" / "kitchen-2024-01-01.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(_kitchen_model()))
    out = tmp_path / "out"
    result = run("--services", "kitchen", "--models", str(clone), "--out", str(out))
    assert result.returncode == 0, result.stderr
    folder = out / "services" / "kitchen" / "generated"
    types_h = (folder / "kitchen_types.h").read_text()
    for line in ("struct Result_ {", "struct String_ {", "std::optional<std::string> default_;",
                 "std::optional<std::int32_t> class_;", "::rime::Boxed<Node> next;",
                 "::rime::Boxed<B> b;", "::rime::Boxed<A> a;", "std::optional<::rime::Unit> none;",
                 "std::optional<std::vector<Node>> children;", "Node tree;"):
        assert line in types_h, line
    model_cc = (folder / "kitchen_model.cc").read_text()
    assert "kCookInputLimited = " in model_cc  # the member-level @length copy
    assert '.enum_values = kColorValues' in model_cc and '"BLUE"sv' in model_cc
    assert '{.name = "Defaulted"sv, .target = kInteger, .flags = mf::kHasDefault, .default_json = "5"sv},' in model_cc
    assert '{.name = "OptedOut"sv, .target = kBoolean},' in model_cc  # @default(null): no default
    ops_h = (folder / "kitchen_operations.h").read_text()
    assert "::rime::Result<::rime::Unit>(::rime::RequestContext&, const ::rime::Unit&)> nothing;" in ops_h

    driver = tmp_path / "driver.cc"
    driver.write_text(_KITCHEN_DRIVER)
    binary = tmp_path / "driver"
    flags = ["-std=c++20", "-O0", "-Wall", "-Wextra", "-Wno-unused-parameter",
             "-Wno-missing-field-initializers", "-Werror", f"-I{out}", f"-I{REPO}"]
    compile_ = subprocess.run(
        ["g++", *flags, "-o", str(binary), str(driver), str(folder / "kitchen_types.cc"),
         os.path.join(REPO, "protocols", "value.cc")], capture_output=True, text=True, timeout=600)
    assert compile_.returncode == 0, compile_.stderr[-4000:]
    ran = subprocess.run([str(binary)], capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0 and ran.stdout == "ok\n", ran.stdout + ran.stderr
    # The model tables and the invoker compile too (not linked: they need the whole server).
    for name in ("kitchen_model.cc", "kitchen_operations.cc"):
        syntax = subprocess.run(["g++", *flags, "-fsyntax-only", str(folder / name)],
                                capture_output=True, text=True, timeout=600)
        assert syntax.returncode == 0, (name, syntax.stderr[-4000:])
