"""botocore as the oracle for the awsQuery / ec2Query codec (protocols/query.cc).

tests/unit/query_codec_test.cc asserts request parsing from wire bytes and XML output byte for
byte. This file proves both sides against botocore without a server: the request fixtures there
are what botocore sends, and the XML asserted there parses in botocore into the expected dicts.
Keep the strings here identical to the C++ test's. Real botocore models serve STS, SNS and EC2;
SQS (JSON in today's botocore) and the edge-case service are mirrored from the C++ tables.
"""
import datetime
import math

import botocore.model
import botocore.parsers
import botocore.serialize
import botocore.session
from botocore.awsrequest import create_request_object, prepare_request_dict

REQUEST_ID = "4f7c9a2e-0d1b-4c55-9f00-3a1b2c3d4e5f"
UTC = datetime.timezone.utc
WHEN = datetime.datetime(2026, 11, 25, 4, 16, 43, 123000, tzinfo=UTC)

SQS_QUERY = {
    "metadata": {"apiVersion": "2012-11-05", "endpointPrefix": "sqs", "protocol": "query", "serviceId": "SQS",
                 "signatureVersion": "v4", "xmlNamespace": "http://queue.amazonaws.com/doc/2012-11-05/"},
    "operations": {"SendMessageBatch": {
        "name": "SendMessageBatch", "http": {"method": "POST", "requestUri": "/"},
        "input": {"shape": "SendMessageBatchRequest"},
        "output": {"shape": "SendMessageBatchResult", "resultWrapper": "SendMessageBatchResult"}}},
    "shapes": {
        "String": {"type": "string"}, "Integer": {"type": "integer"}, "Boolean": {"type": "boolean"},
        "Binary": {"type": "blob"},
        "SendMessageBatchRequest": {"type": "structure", "members": {
            "QueueUrl": {"shape": "String"},
            "Entries": {"shape": "SendMessageBatchRequestEntryList", "locationName": "SendMessageBatchRequestEntry"}}},
        "SendMessageBatchRequestEntryList": {"type": "list", "member": {"shape": "SendMessageBatchRequestEntry"},
                                             "flattened": True},
        "SendMessageBatchRequestEntry": {"type": "structure", "members": {
            "Id": {"shape": "String"}, "MessageBody": {"shape": "String"}, "DelaySeconds": {"shape": "Integer"},
            "MessageAttributes": {"shape": "MessageBodyAttributeMap", "locationName": "MessageAttribute"}}},
        "MessageBodyAttributeMap": {"type": "map", "key": {"shape": "String", "locationName": "Name"},
                                    "value": {"shape": "MessageAttributeValue", "locationName": "Value"},
                                    "flattened": True},
        "MessageAttributeValue": {"type": "structure", "members": {
            "StringValue": {"shape": "String"}, "BinaryValue": {"shape": "Binary"},
            "StringListValues": {"shape": "StringList", "locationName": "StringListValue"},
            "DataType": {"shape": "String"}}},
        "StringList": {"type": "list", "member": {"shape": "String", "locationName": "StringListValue"},
                       "flattened": True},
        "SendMessageBatchResult": {"type": "structure", "members": {
            "Successful": {"shape": "SendMessageBatchResultEntryList", "locationName": "SendMessageBatchResultEntry"},
            "Failed": {"shape": "BatchResultErrorEntryList", "locationName": "BatchResultErrorEntry"}}},
        "SendMessageBatchResultEntryList": {"type": "list", "member": {"shape": "SendMessageBatchResultEntry"},
                                            "flattened": True},
        "SendMessageBatchResultEntry": {"type": "structure", "members": {
            "Id": {"shape": "String"}, "MessageId": {"shape": "String"}, "MD5OfMessageBody": {"shape": "String"}}},
        "BatchResultErrorEntryList": {"type": "list", "member": {"shape": "BatchResultErrorEntry"},
                                      "flattened": True},
        "BatchResultErrorEntry": {"type": "structure", "members": {
            "Id": {"shape": "String"}, "SenderFault": {"shape": "Boolean"}, "Code": {"shape": "String"},
            "Message": {"shape": "String"}}},
    },
}

# botocore has no byte/short/bigInteger/bigDecimal: those members are integers/strings here.
EDGE = {
    "metadata": {"apiVersion": "2020-01-01", "endpointPrefix": "edge", "protocol": "query", "serviceId": "Edge",
                 "signatureVersion": "v4", "xmlNamespace": "https://edge.example.com/doc/2020-01-01/"},
    "operations": {
        "KitchenSink": {"name": "KitchenSink", "http": {"method": "POST", "requestUri": "/"},
                        "input": {"shape": "KitchenSink"},
                        "output": {"shape": "KitchenSink", "resultWrapper": "KitchenSinkResult"}},
        "NoOutput": {"name": "NoOutput", "http": {"method": "POST", "requestUri": "/"}},
    },
    "shapes": {
        "String": {"type": "string"}, "Integer": {"type": "integer"}, "Long": {"type": "long"},
        "Boolean": {"type": "boolean"}, "Double": {"type": "double"}, "Float": {"type": "float"},
        "Timestamp": {"type": "timestamp"},
        "TimestampEpoch": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
        "TimestampHttp": {"type": "timestamp", "timestampFormat": "rfc822"},
        "Blob": {"type": "blob"},
        "StringList": {"type": "list", "member": {"shape": "String"}},
        "ItemList": {"type": "list", "member": {"shape": "String", "locationName": "item"}},
        "FlatStringList": {"type": "list", "member": {"shape": "String"}, "flattened": True},
        "FlatItemList": {"type": "list", "member": {"shape": "String"}, "flattened": True},
        "StringMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
        "RenamedMap": {"type": "map", "key": {"shape": "String", "locationName": "K"},
                       "value": {"shape": "String", "locationName": "V"}},
        "FlatStringMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"},
                          "flattened": True},
        "MapOfLists": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "StringList"}},
        "Inner": {"type": "structure", "members": {"C": {"shape": "String"}, "Count": {"shape": "Integer"}}},
        "Middle": {"type": "structure", "members": {"B": {"shape": "Inner"}}},
        "Node": {"type": "structure", "members": {"Name": {"shape": "String"}, "Child": {"shape": "Node"}}},
        "KitchenSink": {"type": "structure", "members": {
            "Id": {"shape": "String", "xmlAttribute": True, "locationName": "Id"},
            "Str": {"shape": "String"}, "Int": {"shape": "Integer"}, "Long": {"shape": "Long"},
            "Bool": {"shape": "Boolean"}, "Double": {"shape": "Double"}, "Float": {"shape": "Float"},
            "Byte": {"shape": "Integer"}, "Short": {"shape": "Integer"},
            "BigInt": {"shape": "String"}, "BigDec": {"shape": "String"},
            "When": {"shape": "Timestamp"}, "WhenEpoch": {"shape": "TimestampEpoch"},
            "WhenHttp": {"shape": "TimestampHttp"}, "Data": {"shape": "Blob"},
            "List": {"shape": "StringList"}, "ItemList": {"shape": "ItemList"},
            "Flat": {"shape": "FlatStringList"}, "FlatNamed": {"shape": "FlatItemList", "locationName": "Hi"},
            "Map": {"shape": "StringMap"}, "Renamed": {"shape": "RenamedMap", "locationName": "Ren"},
            "FlatMap": {"shape": "FlatStringMap"}, "MapOfLists": {"shape": "MapOfLists"},
            "A": {"shape": "Middle"}, "Tree": {"shape": "Node"},
            "Custom": {"shape": "String", "locationName": "CustomName"},
            "Ns": {"shape": "Inner", "xmlNamespace": {"uri": "https://ns.example.com/"}}}},
    },
}


def model(name_or_dict):
    if isinstance(name_or_dict, dict):
        return botocore.model.ServiceModel(name_or_dict)
    return botocore.session.get_session().get_service_model(name_or_dict)


def wire(service, operation, params):
    """The form body botocore sends for `operation`."""
    m = model(service)
    protocol = m.metadata["protocol"]
    request = botocore.serialize.create_serializer(protocol).serialize_to_request(
        params, m.operation_model(operation))
    prepare_request_dict(request, "http://localhost")
    body = create_request_object(request).prepare().body
    return body.decode() if isinstance(body, bytes) else body


def parse_output(service, operation, xml, status=200):
    m = model(service)
    parser = botocore.parsers.create_parser(m.metadata["protocol"])
    op = m.operation_model(operation)
    return parser.parse({"body": xml.encode(), "headers": {}, "status_code": status}, op.output_shape)


def without_metadata(parsed):
    metadata = parsed.pop("ResponseMetadata")
    assert metadata["RequestId"] == REQUEST_ID
    return parsed


# ---- request fixtures are botocore's bytes ------------------------------------------------------

def test_sts_assume_role_fixture():
    assert wire("sts", "AssumeRole", {
        "RoleArn": "arn:aws:iam::123456789012:role/demo", "RoleSessionName": "s1",
        "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/A"}, {"arn": "arn:aws:iam::aws:policy/B"}],
        "Tags": [{"Key": "k1", "Value": "v 1"}, {"Key": "k2", "Value": "ü€"}],
        "DurationSeconds": 3600, "TransitiveTagKeys": []}) == (
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
        "&RoleSessionName=s1&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FA"
        "&PolicyArns.member.2.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FB&Tags.member.1.Key=k1"
        "&Tags.member.1.Value=v+1&Tags.member.2.Key=k2&Tags.member.2.Value=%C3%BC%E2%82%AC"
        "&DurationSeconds=3600&TransitiveTagKeys=")


def test_sns_publish_fixture():
    assert wire("sns", "Publish", {
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "hi & bye+ok=1",
        "MessageAttributes": {"attr1": {"DataType": "String", "StringValue": "v1"},
                              "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}}}) == (
        "Action=Publish&Version=2010-03-31&TopicArn=arn%3Aaws%3Asns%3Aus-east-1%3A123456789012%3At"
        "&Message=hi+%26+bye%2Bok%3D1&MessageAttributes.entry.1.Name=attr1"
        "&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=v1"
        "&MessageAttributes.entry.2.Name=bin&MessageAttributes.entry.2.Value.DataType=Binary"
        "&MessageAttributes.entry.2.Value.BinaryValue=AAH%2F")


def test_sqs_send_message_batch_fixture():
    assert wire(SQS_QUERY, "SendMessageBatch", {
        "QueueUrl": "http://localhost:4566/123456789012/q", "Entries": [
            {"Id": "a", "MessageBody": "hello\r\nworld", "DelaySeconds": 5, "MessageAttributes": {
                "color": {"DataType": "String", "StringValue": "blue"},
                "tags": {"DataType": "String.Array", "StringListValues": ["x", "y"]}}},
            {"Id": "b", "MessageBody": "second", "MessageAttributes": {
                "bin": {"DataType": "Binary", "BinaryValue": b"\x00\xff"}}}]}) == (
        "Action=SendMessageBatch&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F123456789012%2Fq"
        "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=hello%0D%0Aworld"
        "&SendMessageBatchRequestEntry.1.DelaySeconds=5&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=color"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=String"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=blue"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Name=tags"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType=String.Array"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.1=x"
        "&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.2=y"
        "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=second"
        "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Name=bin"
        "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.DataType=Binary"
        "&SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.BinaryValue=AP8%3D")


def test_ec2_describe_instances_fixture():
    assert wire("ec2", "DescribeInstances", {
        "Filters": [{"Name": "instance-state-name", "Values": ["running", "stopped"]},
                    {"Name": "tag:Name", "Values": ["web"]}],
        "InstanceIds": ["i-1", "i-2"], "MaxResults": 10, "DryRun": False}) == (
        "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=instance-state-name"
        "&Filter.1.Value.1=running&Filter.1.Value.2=stopped&Filter.2.Name=tag%3AName"
        "&Filter.2.Value.1=web&InstanceId.1=i-1&InstanceId.2=i-2&MaxResults=10&DryRun=false")


def test_edge_kitchen_sink_fixture():
    # The C++ fixture appends BigInt/BigDec by hand (botocore has no such types).
    assert wire(EDGE, "KitchenSink", {
        "Id": "id-1", "Str": "ünï cødé €", "Int": -2147483648, "Long": 9223372036854775807, "Bool": True,
        "Double": 1.5, "Float": 0.25, "Byte": -128, "Short": 32767, "When": WHEN, "WhenEpoch": WHEN,
        "WhenHttp": WHEN.replace(microsecond=0), "Data": b"\x00\x01binary\xff",
        "List": ["a", "b"], "ItemList": ["c"], "Flat": ["d", "e"], "FlatNamed": ["f"],
        "Map": {"k1": "v1", "k2": "v2"}, "Renamed": {"rk": "rv"}, "FlatMap": {"fk": "fv"},
        "MapOfLists": {"m": ["x", "y"]}, "A": {"B": {"C": "deep", "Count": 3}},
        "Tree": {"Name": "root", "Child": {"Name": "kid"}}, "Custom": "custom value", "Ns": {"C": "n"}}) == (
        "Action=KitchenSink&Version=2020-01-01&Id=id-1&Str=%C3%BCn%C3%AF+c%C3%B8d%C3%A9+%E2%82%AC"
        "&Int=-2147483648&Long=9223372036854775807&Bool=true&Double=1.5&Float=0.25&Byte=-128"
        "&Short=32767&When=2026-11-25T04%3A16%3A43.123000Z&WhenEpoch=1795580203"
        "&WhenHttp=Wed%2C+25+Nov+2026+04%3A16%3A43+GMT&Data=AAFiaW5hcnn%2F&List.member.1=a"
        "&List.member.2=b&ItemList.item.1=c&Flat.1=d&Flat.2=e&Hi.1=f&Map.entry.1.key=k1"
        "&Map.entry.1.value=v1&Map.entry.2.key=k2&Map.entry.2.value=v2&Ren.entry.1.K=rk"
        "&Ren.entry.1.V=rv&FlatMap.1.key=fk&FlatMap.1.value=fv&MapOfLists.entry.1.key=m"
        "&MapOfLists.entry.1.value.member.1=x&MapOfLists.entry.1.value.member.2=y&A.B.C=deep"
        "&A.B.Count=3&Tree.Name=root&Tree.Child.Name=kid&CustomName=custom+value&Ns.C=n")


def test_empty_list_and_non_numeric_floats_fixture():
    # Today's botocore spells Smithy's NaN/Infinity; older ones (Debian's 1.29) Python's nan/inf.
    # query_codec_test.cc parses both.
    assert wire(EDGE, "KitchenSink", {"List": [], "Map": {}, "Double": float("nan"), "Float": float("inf")}) in (
        "Action=KitchenSink&Version=2020-01-01&List=&Double=NaN&Float=Infinity",
        "Action=KitchenSink&Version=2020-01-01&List=&Double=nan&Float=inf")
    assert wire(EDGE, "KitchenSink", {"Double": float("-inf")}) in (
        "Action=KitchenSink&Version=2020-01-01&Double=-Infinity", "Action=KitchenSink&Version=2020-01-01&Double=-inf")


# ---- the XML query_codec_test.cc asserts parses in botocore ----------------------------------

def test_sts_get_caller_identity_output():
    xml = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>'
           '<UserId>AIDACKCEVSQ6C2EXAMPLE</UserId><Account>123456789012</Account>'
           '<Arn>arn:aws:iam::123456789012:user/Alice</Arn></GetCallerIdentityResult>'
           f'<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>'
           '</GetCallerIdentityResponse>')
    assert without_metadata(parse_output("sts", "GetCallerIdentity", xml)) == {
        "UserId": "AIDACKCEVSQ6C2EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/Alice"}


def test_sts_assume_role_output():
    xml = ('<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>'
           '<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>'
           '<SessionToken>tok</SessionToken><Expiration>2026-11-25T04:16:43Z</Expiration></Credentials>'
           '<AssumedRoleUser><AssumedRoleId>AROA:s1</AssumedRoleId><Arn>arn:aws:sts::1:assumed-role/r/s1</Arn>'
           '</AssumedRoleUser><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>'
           f'<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>'
           '</AssumeRoleResponse>')
    parsed = without_metadata(parse_output("sts", "AssumeRole", xml))
    assert parsed == {
        "Credentials": {"AccessKeyId": "ASIAEXAMPLE", "SecretAccessKey": "secret", "SessionToken": "tok",
                        "Expiration": datetime.datetime(2026, 11, 25, 4, 16, 43, tzinfo=datetime.timezone.utc)},
        "AssumedRoleUser": {"AssumedRoleId": "AROA:s1", "Arn": "arn:aws:sts::1:assumed-role/r/s1"},
        "PackedPolicySize": 6}


def test_sqs_send_message_batch_output():
    xml = ('<SendMessageBatchResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><SendMessageBatchResult>'
           '<SendMessageBatchResultEntry><Id>a</Id><MessageId>m-1</MessageId>'
           '<MD5OfMessageBody>d41d8cd9</MD5OfMessageBody></SendMessageBatchResultEntry>'
           '<SendMessageBatchResultEntry><Id>b&#xD;\n</Id><MessageId>m-2</MessageId></SendMessageBatchResultEntry>'
           '<BatchResultErrorEntry><Id>c</Id><SenderFault>true</SenderFault><Code>InvalidParameterValue</Code>'
           '<Message>bad &lt;body&gt; &amp; "quotes"</Message></BatchResultErrorEntry></SendMessageBatchResult>'
           f'<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata>'
           '</SendMessageBatchResponse>')
    assert without_metadata(parse_output(SQS_QUERY, "SendMessageBatch", xml)) == {
        "Successful": [{"Id": "a", "MessageId": "m-1", "MD5OfMessageBody": "d41d8cd9"},
                       {"Id": "b\r\n", "MessageId": "m-2"}],
        "Failed": [{"Id": "c", "SenderFault": True, "Code": "InvalidParameterValue",
                    "Message": 'bad <body> & "quotes"'}]}


def test_ec2_describe_instances_output():
    xml = ('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'
           f'<requestId>{REQUEST_ID}</requestId><reservationSet><item>'
           '<reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet><item>'
           '<instanceId>i-1</instanceId><launchTime>2026-11-25T04:16:43.123Z</launchTime>'
           '<ebsOptimized>false</ebsOptimized></item></instancesSet></item></reservationSet>'
           '<nextToken>tok</nextToken></DescribeInstancesResponse>')
    assert without_metadata(parse_output("ec2", "DescribeInstances", xml)) == {
        "Reservations": [{"ReservationId": "r-1", "OwnerId": "123456789012", "Instances": [
            {"InstanceId": "i-1", "LaunchTime": WHEN, "EbsOptimized": False}]}],
        "NextToken": "tok"}


def test_ec2_empty_list_output():
    xml = ('<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">'
           f'<requestId>{REQUEST_ID}</requestId><reservationSet/></DescribeInstancesResponse>')
    assert without_metadata(parse_output("ec2", "DescribeInstances", xml)) == {"Reservations": []}


def test_no_output_and_empty_result():
    xml = ('<NoOutputResponse xmlns="https://edge.example.com/doc/2020-01-01/"><ResponseMetadata>'
           f'<RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></NoOutputResponse>')
    assert without_metadata(parse_output(EDGE, "NoOutput", xml)) == {}
    xml = ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
           f'<GetCallerIdentityResult/><ResponseMetadata><RequestId>{REQUEST_ID}'
           '</RequestId></ResponseMetadata></GetCallerIdentityResponse>')
    assert without_metadata(parse_output("sts", "GetCallerIdentity", xml)) == {}


def test_edge_scalars_output():
    xml = ('<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/">'
           '<KitchenSinkResult Id="x&quot;&lt;&amp;">'
           '<Int>-7</Int><Long>9007199254740993</Long><Bool>true</Bool><Double>NaN</Double><Float>0.1</Float>'
           '<BigInt>123456789012345678901234567890</BigInt><BigDec>-1.5e-300</BigDec>'
           '<When>2026-11-25T04:16:43.123Z</When><WhenEpoch>1795580203.123</WhenEpoch>'
           '<WhenHttp>Wed, 25 Nov 2026 04:16:43 GMT</WhenHttp><Data>AAFiaW5hcnn/</Data>'
           '<CustomName>tab\tnl\nbell&#x7;</CustomName></KitchenSinkResult><ResponseMetadata><RequestId>'
           f'{REQUEST_ID}</RequestId></ResponseMetadata></KitchenSinkResponse>')
    # expat refuses &#x7; (not an XML 1.0 character): only the well-formed part is checked here.
    well_formed = xml.replace("bell&#x7;", "bell")
    parsed = without_metadata(parse_output(EDGE, "KitchenSink", well_formed))
    assert math.isnan(parsed.pop("Double"))
    assert parsed == {
        "Id": 'x"<&', "Int": -7, "Long": 9007199254740993, "Bool": True, "Float": 0.1,
        "BigInt": "123456789012345678901234567890", "BigDec": "-1.5e-300",
        "When": WHEN, "WhenEpoch": WHEN, "WhenHttp": WHEN.replace(microsecond=0),
        "Data": b"\x00\x01binary\xff", "Custom": "tab\tnl\nbell"}
    infinities = ('<KitchenSinkResponse><KitchenSinkResult><Double>Infinity</Double><Float>-Infinity</Float>'
                  '</KitchenSinkResult></KitchenSinkResponse>')
    assert parse_output(EDGE, "KitchenSink", infinities)["Double"] == float("inf")
    assert parse_output(EDGE, "KitchenSink", infinities)["Float"] == float("-inf")


def test_edge_lists_and_maps_output():
    xml = ('<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult>'
           '<List><member>a</member><member>b</member></List><ItemList><item>c</item></ItemList>'
           '<Flat>d</Flat><Flat>e</Flat><Hi>f</Hi>'
           '<Map><entry><key>k1</key><value>v1</value></entry><entry><key>k2</key><value>v2</value></entry></Map>'
           '<Ren><entry><K>rk</K><V>rv</V></entry></Ren>'
           '<FlatMap><key>fk</key><value>fv</value></FlatMap><FlatMap><key>gk</key><value>gv</value></FlatMap>'
           '<MapOfLists><entry><key>m</key><value><member>x</member></value></entry></MapOfLists>'
           f'</KitchenSinkResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId>'
           '</ResponseMetadata></KitchenSinkResponse>')
    assert without_metadata(parse_output(EDGE, "KitchenSink", xml)) == {
        "List": ["a", "b"], "ItemList": ["c"], "Flat": ["d", "e"], "FlatNamed": ["f"],
        "Map": {"k1": "v1", "k2": "v2"}, "Renamed": {"rk": "rv"}, "FlatMap": {"fk": "fv", "gk": "gv"},
        "MapOfLists": {"m": ["x"]}}


def test_edge_nested_and_namespaced_output():
    xml = ('<KitchenSinkResponse xmlns="https://edge.example.com/doc/2020-01-01/"><KitchenSinkResult>'
           '<Str>ünï €😀</Str><A><B><C>deep</C><Count>3</Count></B></A>'
           '<Ns xmlns="https://ns.example.com/"><C>n</C></Ns></KitchenSinkResult>'
           f'<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></KitchenSinkResponse>')
    assert without_metadata(parse_output(EDGE, "KitchenSink", xml)) == {
        "Str": "ünï €😀", "A": {"B": {"C": "deep", "Count": 3}}, "Ns": {"C": "n"}}


# ---- errors -----------------------------------------------------------------------------------

def test_aws_query_error():
    xml = ('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
           '<Code>InvalidAction</Code><Message>Could not find operation Foo &amp; &lt;Bar&gt; for version 2011-06-15'
           f'</Message></Error><RequestId>{REQUEST_ID}</RequestId></ErrorResponse>')
    parsed = parse_output("sts", "GetCallerIdentity", xml, status=400)
    assert parsed["Error"] == {"Type": "Sender", "Code": "InvalidAction",
                               "Message": "Could not find operation Foo & <Bar> for version 2011-06-15"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_ec2_query_error():
    xml = ('<Response><Errors><Error><Code>InvalidInstanceID.NotFound</Code>'
           "<Message>The instance ID 'i-1' does not exist</Message></Error></Errors>"
           f'<RequestID>{REQUEST_ID}</RequestID></Response>')
    parsed = parse_output("ec2", "DescribeInstances", xml, status=400)
    assert parsed["Error"] == {"Code": "InvalidInstanceID.NotFound",
                               "Message": "The instance ID 'i-1' does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
