import Testing
import CapGuardYAML

@Suite struct JSONInputTests {
    static let kubectlList = #"""
        {
            "apiVersion": "v1",
            "items": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "metadata": {
                        "annotations": {
                            "deployment.kubernetes.io/revision": "3",
                            "note": "caf\u00e9 \/ \"quoted\" \ud83d\ude80"
                        },
                        "labels": {},
                        "name": "web",
                        "namespace": "default"
                    },
                    "spec": {
                        "replicas": 2,
                        "template": {
                            "spec": {
                                "containers": [
                                    {
                                        "image": "nginx:1.27",
                                        "name": "nginx",
                                        "securityContext": {
                                            "capabilities": {
                                                "add": ["NET_BIND_SERVICE"],
                                                "drop": ["ALL"]
                                            },
                                            "privileged": false
                                        }
                                    }
                                ],
                                "nodeSelector": null
                            }
                        }
                    }
                },
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": "solo"},
                    "spec": {"containers": []}
                }
            ],
            "kind": "List",
            "metadata": {
                "resourceVersion": ""
            }
        }
        """#

    @Test func kubectlListOutputParses() throws {
        let root = try parseRoot(Self.kubectlList)
        #expect(root["kind"]?.scalar?.value == "List")
        let items = try #require(root["items"]?.sequence)
        #expect(items.map { $0["kind"]?.scalar?.value } == ["Deployment", "Pod"])

        let deployment = items[0]
        #expect(deployment["metadata"]?["annotations"]?["note"]?.scalar?.value == "café / \"quoted\" 🚀")
        #expect(deployment["spec"]?["replicas"]?.scalar == YAMLScalar(value: "2", style: .plain))
        let container = try #require(deployment["spec"]?["template"]?["spec"]?["containers"]?.sequence?.first)
        #expect(container["securityContext"]?["capabilities"]?["drop"]?.scalarValues == ["ALL"])
        #expect(container["securityContext"]?["privileged"]?.scalar == YAMLScalar(value: "false", style: .plain))
        #expect(deployment["spec"]?["template"]?["spec"]?["nodeSelector"]?.isNull == true)
        #expect(container["image"]?.mark == YAMLMark(line: 22, column: 42))
        #expect(items[1].mark == YAMLMark(line: 38, column: 9))
        #expect(root["metadata"]?["resourceVersion"]?.scalar == YAMLScalar(value: "", style: .doubleQuoted))
    }

    @Test func minifiedJSONParses() throws {
        let root = try parseRoot(#"{"kind":"AdmissionReview","request":{"uid":"1","object":{"a":[1,2.5,true,null,"x"]}}}"#)
        #expect(root["request"]?["object"]?["a"]?.scalarValues == ["1", "2.5", "true", "null", "x"])
        #expect(root["request"]?["uid"]?.mark == YAMLMark(line: 1, column: 44))
    }

    @Test func tabsBetweenJSONTokens() throws {
        let root = try parseRoot("{\n\t\"a\": [\n\t\t1,\n\t\t2\n\t]\n}\n")
        #expect(root["a"]?.scalarValues == ["1", "2"])
    }

    @Test(arguments: [
        (#""a\/b""#, "a/b"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\u20ac""#, "€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\uD83D\uDE00""#, "😀"),
        (#""x\ud83d\ude00y\udbff\udfff""#, "x😀y\u{10FFFF}"),
        (#""\"\\\b\f\n\r\t""#, "\"\\\u{8}\u{C}\n\r\t"),
        (#""\\ud83d""#, "\\ud83d"),
    ])
    func jsonEscapesInDoubleQuotedScalars(source: String, value: String) throws {
        #expect(try parseRoot(source).scalar == YAMLScalar(value: value, style: .doubleQuoted))
    }

    @Test func marksAfterSurrogatePairsMatchTheOriginalText() throws {
        let root = try parseRoot(#"x: {"a": "\ud83d\ude00\ud83d\ude01", "b": 1, "c": "\ud83d\ude02"}"# + "\nd: x\n")
        let flow = try #require(root["x"])
        #expect(flow["a"]?.scalar?.value == "😀😁")
        #expect(flow.mapping?[1].key.mark == YAMLMark(line: 1, column: 38))
        #expect(flow["b"]?.mark == YAMLMark(line: 1, column: 43))
        #expect(flow.mapping?[2].key.mark == YAMLMark(line: 1, column: 46))
        #expect(root.mapping?[1].key.mark == YAMLMark(line: 2, column: 1))
    }

    @Test func surrogateEscapesOutsideDoubleQuotesAreLeftAlone() throws {
        let root = try parseRoot(#"""
            plain: \ud83d\ude00
            single: '\ud83d\ude00'
            block: |
              \ud83d\ude00
            double: "\ud83d\ude00" # \ud83d\ude00
            after: x
            """#)
        #expect(root.scalarValues == [#"\ud83d\ude00"#, #"\ud83d\ude00"#, "\\ud83d\\ude00\n", "😀", "x"])
        #expect(root["after"]?.mark == YAMLMark(line: 6, column: 8))
    }

    @Test(arguments: [
        (#"["\ud83d"]"#, 5),
        (#"["\ude00"]"#, 5),
        (#"["\ud83d\ud83d"]"#, 5),
        (#"["\\ud83d\ude00"]"#, 12),
        (#"["\ud83d\ude00", "\ud83d"]"#, 21),
    ])
    func loneSurrogatesAreErrors(source: String, column: Int) throws {
        // libyaml marks the escape's first hex digit; the column is that of the original text.
        let error = try #require(parseError(source))
        #expect(error.message.hasPrefix("found invalid Unicode character escape code"))
        #expect(error.mark == YAMLMark(line: 1, column: column))
    }
}
