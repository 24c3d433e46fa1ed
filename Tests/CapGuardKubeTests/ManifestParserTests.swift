import Testing
import CapGuardPolicy
import CapGuardKube

/// What `capguard check` takes from a file: the objects kubectl would send, each rule confirmed with
/// `kubectl label --local -f FILE k=v -o json`.
@Suite("Manifests as kubectl sends them")
struct ManifestParserTests {
    private func parse(_ text: String) -> ManifestParser.Parsed {
        ManifestParser.parse(Array(text.utf8), source: "m.yaml")
    }

    private func names(_ parsed: ManifestParser.Parsed) -> [String] {
        parsed.manifests.map { "\($0.object.kind)/\($0.object.metadata.name ?? "")" }
    }

    private static let privileged = "spec: {containers: [{name: c, securityContext: {privileged: true}}]}"

    @Test func aFieldPathFindsItsNodeAndTheLineOfAContainer() throws {
        let parsed = parse("""
            apiVersion: apps/v1
            kind: Deployment
            spec:
              template:
                spec:
                  initContainers:
                  - name: setup
                  - name: "a/b"
                    image: busybox
            """)
        let manifest = try #require(parsed.manifests.first)
        #expect(manifest.node.node(at: ["spec", "template", "spec", "initContainers", 1, "image"])?.scalar?.value == "busybox")
        #expect(manifest.node.node(at: ["spec", "template", "spec", "initContainers", 2]) == nil)
        #expect(manifest.node.node(at: ["spec", 0]) == nil)
        #expect(manifest.mark(of: ContainerReference(list: .initContainers, index: 1, name: "a/b")).line == 8)
        #expect(manifest.mark(of: ContainerReference(list: .containers, index: 0, name: "missing")).line == 1)
    }

    @Test(arguments: ["Pod", "ConfigMap", "List", "Whatever"])
    func anyObjectWithItemsIsAListOfThem(kind: String) {
        let parsed = parse("""
            apiVersion: v1
            kind: \(kind)
            metadata: {name: outer}
            items:
            - {apiVersion: v1, kind: Pod, metadata: {name: inner}, \(Self.privileged)}
            """)
        #expect(parsed.errors.isEmpty)
        #expect(names(parsed) == ["Pod/inner"])
    }

    @Test func itemsNullIsAnEmptyList() {
        let parsed = parse("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n\(Self.privileged)\nitems: null\n")
        #expect(parsed.manifests.isEmpty)
        #expect(parsed.errors.isEmpty)
    }

    @Test func theLastItemsKeyWins() {
        let parsed = parse("""
            kind: List
            items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: decoy}}]
            items: [{apiVersion: v1, kind: Pod, metadata: {name: real}}]
            """)
        #expect(names(parsed) == ["Pod/real"])
    }

    @Test(arguments: [("PodList", "Pod"), ("DeploymentList", "Deployment"), ("Pods", "Pods")])
    func untypedItemsTakeTheListsType(listKind: String, itemKind: String) {
        let parsed = parse("apiVersion: v1\nkind: \(listKind)\nitems:\n- metadata: {name: a}\n- {kind: '', apiVersion: '', metadata: {name: b}}\n")
        #expect(parsed.manifests.map(\.object.kind) == [itemKind, itemKind])
        #expect(parsed.manifests.map(\.object.apiVersion) == ["v1", "v1"])
    }

    /// Items of a plain List get the kind "": kubectl refuses them, and so does capguard.
    @Test func objectsWithoutKindOrAPIVersionAreRefused() {
        let parsed = parse("apiVersion: v1\nkind: List\nitems:\n- metadata: {name: a}\n---\nkind: Pod\n---\nmetadata: {}\n")
        #expect(parsed.manifests.isEmpty)
        #expect(parsed.errors.map(\.reason) == [
            "kind missing or not a string, which kubectl refuses", "apiVersion missing or not a string, which kubectl refuses",
            "kind and apiVersion missing or not a string, which kubectl refuses",
        ])
    }

    /// For kubectl a kind that is not a string is no kind: a PodList item with `kind: 5` is a Pod.
    @Test(arguments: ["{kind: 5}", "{kind: ~, apiVersion: []}", "{kind: yes, apiVersion: 1.0}", "{kind: '', apiVersion: {}}"])
    func itemsWhoseTypeIsNotAStringTakeTheListsType(fields: String) {
        let parsed = parse("apiVersion: v1\nkind: PodList\nitems:\n- \(fields)\n")
        #expect(parsed.errors.isEmpty)
        #expect(parsed.manifests.map(\.object.kind) == ["Pod"])
        #expect(parsed.manifests.map(\.object.apiVersion) == ["v1"])
    }

    @Test(arguments: ["kind: 5\napiVersion: v1", "kind: Pod\napiVersion: 1", "kind: !!str Pod\napiVersion: !!binary djE="])
    func topLevelTypesMustBeStrings(fields: String) {
        let parsed = parse(fields + "\n")
        let isString = fields.contains("!!str")
        #expect(parsed.manifests.count == (isString ? 1 : 0))
        #expect(parsed.errors.count == (isString ? 0 : 1))
    }

    @Test func untypedPodListItemsAreChecked() throws {
        let parsed = parse("apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: a}\n  \(Self.privileged)\n")
        let manifest = try #require(parsed.manifests.first)
        let checked = ManifestChecker(policies: PolicySet()).check(manifest)
        #expect(checked.status == .violating)
    }

    @Test(arguments: ["items: []", "kind: 5\nitems: []", "kind: ''\nitems: [{apiVersion: v1, kind: Pod}]"])
    func aListNeedsAKind(text: String) {
        let parsed = parse(text + "\n")
        #expect(parsed.manifests.isEmpty)
        #expect(parsed.errors.map(\.reason) == ["a list whose kind is missing or not a string, which kubectl refuses"])
    }

    @Test func aListNeedsNoAPIVersion() {
        #expect(names(parse("kind: List\nitems: [{apiVersion: v1, kind: Pod, metadata: {name: a}}]\n")) == ["Pod/a"])
    }

    @Test func anItemWithItsOwnItemsIsRefused() {
        let parsed = parse("kind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- kind: List\n  items: []\n")
        #expect(names(parsed) == ["Pod/a"])
        #expect(parsed.errors.map(\.description) == ["m.yaml:4:3: a list inside a list, which kubectl refuses"])
    }

    @Test(arguments: ["items: 5", "items: {a: b}", "items: [5]"])
    func itemsThatAreNotObjectsAreRefused(items: String) {
        let parsed = parse("kind: List\n\(items)\n")
        #expect(parsed.manifests.isEmpty)
        #expect(parsed.errors.count == 1)
    }

    /// A wrong type in one document once hid every finding of the file.
    @Test func anUnreadableObjectDoesNotHideTheOthers() {
        let parsed = parse("""
            apiVersion: v1
            kind: Pod
            metadata: {name: broken}
            spec: {containers: 5}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: next}
            \(Self.privileged)
            """)
        #expect(names(parsed) == ["Pod/next"])
        #expect(parsed.errors.count == 1)
        #expect(parsed.errors.first?.line == 1)
    }

    @Test func objectsBeforeWhereKubectlStopsReadingAreKept() {
        let parsed = parse("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nkind: Pod\n--- |\nkind: Pod\n")
        #expect(names(parsed) == ["Pod/a"])
        #expect(parsed.errors.first?.line == 6)
    }

    @Test func mergeKeysSwitchingTheKindAreApplied() {
        let parsed = parse("pod: &pod {kind: Pod}\napiVersion: v1\nkind: ConfigMap\n<<: *pod\nmetadata: {name: m}\n")
        #expect(names(parsed) == ["Pod/m"])
    }

    @Test func namesThatCouldForgeOutputAreEscaped() throws {
        let parsed = parse("apiVersion: v1\nkind: Pod\nmetadata: {name: \"a\\nb\\e[2K\", namespace: \"n\\rs\"}\n\(Self.privileged)\n")
        let manifest = try #require(parsed.manifests.first)
        let checked = ManifestChecker(policies: PolicySet()).check(manifest)
        #expect(checked.object.name == #""a\nb\u{1b}[2K""#)
        #expect(checked.object.namespace == #""n\rs""#)
        #expect(checked.findings.allSatisfy { !$0.message.contains("\n") && !$0.message.contains("\u{1B}") })
    }

    @Test func ordinaryNamesAreLeftAsTheyAre() throws {
        let parsed = parse("apiVersion: v1\nkind: Pod\nmetadata: {name: web-1, namespace: prod}\n\(Self.privileged)\n")
        let checked = ManifestChecker(policies: PolicySet()).check(try #require(parsed.manifests.first))
        #expect(checked.object.description == "Pod prod/web-1")
    }
}
