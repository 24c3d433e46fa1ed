import CapGuardPolicy
import Testing

struct FieldPathTests {
    let path: FieldPath = ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "drop"]

    @Test func dottedFormJoinsKeysWithDotsAndBracketsIndices() {
        #expect(path.description == "spec.template.spec.containers[0].securityContext.capabilities.drop")
        #expect(FieldPath([.index(2), .key("name")]).description == "[2].name")
        #expect(FieldPath().description == "")
    }

    @Test func jsonPointerEscapesTildeAndSlash() {
        #expect(path.jsonPointer == "/spec/template/spec/containers/0/securityContext/capabilities/drop")
        #expect(FieldPath(["metadata", "annotations", "a/b~c"]).jsonPointer == "/metadata/annotations/a~1b~0c")
        #expect(FieldPath([.key("~1")]).jsonPointer == "/~01")
        #expect(FieldPath().jsonPointer == "")
    }

    @Test func joiningPathsKeepsEveryComponent() {
        let container = ContainerReference(list: .initContainers, index: 1, name: "setup")
        let joined = FieldPath(["spec"]) + container.path + ["securityContext", "privileged"]
        #expect(joined == FieldPath(["spec", "initContainers", 1, "securityContext", "privileged"]))
        #expect(container.path.appending(.index(3)).description == "initContainers[1][3]")
        #expect(container.path(below: ["spec"], field: ["securityContext", "privileged"]) == joined)
        #expect(container.path(below: ["spec"]).description == "spec.initContainers[1]")
    }
}
