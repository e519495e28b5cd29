import PathwayModel
import Testing
@testable import Diagram

/// The rules that turn reactions into influences (docs/diagrams.md), each on a small model.
@Suite("Activity view rules")
struct ActivityRulesTests {
    /// A model with the compartments and parameter every test uses, and `body` (species, reactions, …).
    static func model(_ body: String) throws -> Model {
        try ModelLoader.load(yaml: """
            model: rules
            compartments:
              membrane: {size: 1, dimensions: 2}
              cytoplasm: {size: 1, outside: membrane, label: Cytoplasm}
              nucleus: {size: 1, outside: cytoplasm, label: Nucleus}
            parameters:
              k: {value: 1, source: test}

            """ + body, file: "rules.yaml").model
    }

    static func edges(_ body: String) throws -> Set<String> {
        Set(influenceEdges(try DiagramBuilder.graph(for: model(body))))
    }

    static func edge(_ graph: GraphDescription, _ id: String) -> GraphDescription.Edge? {
        graph.edges.first { $0.attributes["id"]?.description == id }
    }

    static let bad = """
        species:
          AKT: {compartment: cytoplasm, initial: 1, role: kinase, entity: AKT, active: true}
          PP1: {compartment: cytoplasm, initial: 1, role: phosphatase, entity: PP1}
          BAD: {compartment: cytoplasm, initial: 10, entity: BAD}
          pBAD: {compartment: cytoplasm, entity: BAD, state: pS99, active: false}
        reactions:
          bad_phosphorylation:
            equation: BAD -> pBAD
            michaelis-menten: {kcat: k, enzyme: AKT, km: k}
            kind: phosphorylation
          bad_dephosphorylation:
            equation: pBAD -> BAD
            michaelis-menten: {kcat: k, enzyme: PP1, km: k}
            kind: dephosphorylation

        """

    @Test("a phosphorylation whose product is declared inactive inhibits; undoing it activates")
    func inactiveProduct() throws {
        let edges = try Self.edges(Self.bad)
        #expect(edges == ["AKT inhibition BAD", "PP1 activation BAD"])
        // Without `active: false` the same phosphorylation activates, as before.
        let unsaid = try Self.edges(Self.bad.replacingOccurrences(of: ", active: false", with: ""))
        #expect(unsaid == ["AKT activation BAD", "PP1 inhibition BAD"])
    }

    @Test("a phosphorylation that turns an active form into one that is not inhibits")
    func activeReactant() throws {
        let edges = try Self.edges("""
            species:
              AKT: {compartment: cytoplasm, initial: 1, role: kinase, entity: AKT, active: true}
              RAF: {compartment: cytoplasm, initial: 1, entity: RAF, state: pS338, active: true}
              RAF_S259: {compartment: cytoplasm, entity: RAF, state: pS259}
            reactions:
              raf_s259: {equation: RAF -> RAF_S259, michaelis-menten: {kcat: k, enzyme: AKT, km: k}, kind: phosphorylation}
            """)
        #expect(edges == ["AKT inhibition RAF"])
    }

    @Test("kind inhibitory-phosphorylation is drawn as inhibition")
    func inhibitoryPhosphorylation() throws {
        let body = Self.bad.replacingOccurrences(of: ", active: false", with: "")
            .replacingOccurrences(of: "kind: phosphorylation", with: "kind: inhibitory-phosphorylation")
        let graph = try DiagramBuilder.graph(for: Self.model(body))
        #expect(Set(influenceEdges(graph)).contains("AKT inhibition BAD"))
        #expect(Self.edge(graph, "influence-AKT-inhibition-BAD")?.attributes["arrowhead"] == "tee")
        // BAD is only inhibited and acts on nothing: an end below AKT, not a source above it, even
        // when something activates AKT.
        let upstream = body.replacingOccurrences(of: "entity: AKT, active: true}", with: """
            entity: AKT, state: pT308, active: true}
              AKT0: {compartment: cytoplasm, initial: 1, role: kinase, entity: AKT}
              PDK1: {compartment: cytoplasm, initial: 1, role: kinase, entity: PDK1}
            """) + """
              akt_activation: {equation: AKT0 -> AKT, michaelis-menten: {kcat: k, enzyme: PDK1, km: k}, kind: phosphorylation}
            """
        let layered = try DiagramBuilder.graph(for: Self.model(upstream))
        #expect(Set(influenceEdges(layered)).isSuperset(of: ["PDK1 activation AKT", "AKT inhibition BAD"]))
        #expect(Self.edge(layered, "influence-AKT-inhibition-BAD")?.attributes["dir"] == nil)
    }

    @Test("kind sequestration: the binder inhibits what it holds")
    func sequestration() throws {
        let edges = try Self.edges("""
            species:
              BAD: {compartment: cytoplasm, initial: 10, entity: BAD}
              Y1433: {compartment: cytoplasm, initial: 5, entity: YWHAB, label: 14-3-3}
              BAD_1433: {compartment: cytoplasm, entities: [BAD, YWHAB]}
            reactions:
              hold: {equation: BAD + Y1433 -> BAD_1433, mass-action: {kf: k}, kind: sequestration}
            """)
        #expect(edges == ["YWHAB inhibition BAD"])
    }

    static let receptor = """
        species:
          L: {compartment: membrane, initial: 1, role: ligand, entity: L}
          R: {compartment: membrane, initial: 1, role: receptor, entity: R}
          JAK: {compartment: cytoplasm, initial: 1, role: kinase, entity: JAK}
          PTP: {compartment: cytoplasm, initial: 1, role: phosphatase, entity: PTP}
          pPTP: {compartment: cytoplasm, role: phosphatase, entity: PTP, state: pY, active: true}
          LRJ: {compartment: membrane, entities: [L, R, JAK]}
          LRJ_active: {compartment: membrane, entities: [L, R, JAK], active: true}
          LRJ_PTP: {compartment: membrane, entities: [L, R, JAK, PTP]}
          LRJ_pPTP: {compartment: membrane, entities: [L, R, JAK, PTP], state: PTP pY}
        reactions:
          assembly: {equation: L + R + JAK -> LRJ, mass-action: {kf: k}, kind: binding}
          jak_activation: {equation: LRJ -> LRJ_active, mass-action: {kf: k}, kind: phosphorylation}
          ptp_docks: {equation: LRJ_active + PTP <-> LRJ_PTP, mass-action: {kf: k, kr: k}, kind: binding}
          ptp_phosphorylation: {equation: LRJ_PTP -> LRJ_pPTP, mass-action: {kf: k}, kind: phosphorylation}
          pptp_release: {equation: LRJ_pPTP <-> LRJ_active + pPTP, mass-action: {kf: k, kr: k}, kind: dissociation}
          ptp_dephosphorylates_receptor: {equation: LRJ_PTP -> LRJ + PTP, mass-action: {kf: k}, kind: dephosphorylation}
          pptp_dephosphorylates_receptor: {equation: LRJ_pPTP -> LRJ + pPTP, mass-action: {kf: k}, kind: dephosphorylation}

        """

    @Test("a phosphatase that returns an active complex to its inactive twin inhibits the complex's effector")
    func complexInactivation() throws {
        let graph = try DiagramBuilder.graph(for: Self.model(Self.receptor))
        let edges = Set(influenceEdges(graph))
        #expect(edges.contains("PTP inhibition JAK"))
        #expect(edges.contains("JAK activation PTP"))
        let tip = Self.edge(graph, "influence-PTP-inhibition-JAK")?.attributes["tooltip"]?.description
        #expect(tip == "PTP inhibits JAK (ptp_dephosphorylates_receptor, pptp_dephosphorylates_receptor)")
        // An inactive complex that no step makes from the active one inhibits nothing.
        let unmade = Self.receptor.components(separatedBy: "  ptp_dephosphorylates_receptor")[0]
        #expect(!(try Self.edges(unmade)).contains { $0.contains("inhibition") })
    }

    @Test("an active form bound back into an inactive complex: its phosphatase inhibits it")
    func activeFormIntoComplex() throws {
        let edges = try Self.edges("""
            species:
              PIP3: {compartment: membrane, initial: 1, role: lipid, entity: PIP3, active: true}
              PP2A: {compartment: cytoplasm, initial: 1, role: phosphatase, entity: PP2A}
              AKT_PIP3: {compartment: membrane, entities: [AKT, PIP3]}
              AKT_pT308: {compartment: membrane, role: kinase, entity: AKT, state: pT308, active: true}
            reactions:
              t308: {equation: AKT_PIP3 -> AKT_pT308, mass-action: {kf: k}, kind: phosphorylation}
              t308_back: {equation: AKT_pT308 -> AKT_PIP3, michaelis-menten: {kcat: k, enzyme: PP2A, km: k}, kind: dephosphorylation}
            """)
        #expect(edges == ["PIP3 activation AKT", "PP2A inhibition AKT"])
    }

    static let stat3 = """
        species:
          JAK: {compartment: cytoplasm, initial: 1, role: kinase, entity: JAK, active: true}
          STAT3: {compartment: cytoplasm, initial: 10, role: transcription-factor, entity: STAT3, link: /genes/stat3}
          pSTAT3: {compartment: cytoplasm, role: transcription-factor, entity: STAT3, state: pY705, active: true}
          pSTAT3n: {compartment: nucleus, role: transcription-factor, label: STAT3 (nuclear), entity: STAT3, state: pY705, node: STAT3_nuclear}
          pSTAT3n_dimer: {compartment: nucleus, role: transcription-factor, label: STAT3 dimer (nuclear), entity: STAT3, state: pY705, active: true, node: STAT3_nuclear, link: /genes/stat3}
          STAT3n: {compartment: nucleus, role: transcription-factor, entity: STAT3, node: STAT3_nuclear}
          PP2: {compartment: nucleus, initial: 1, role: phosphatase, entity: PP2}
          PP2_pSTAT3n: {compartment: nucleus, entities: [PP2, STAT3], node: STAT3_nuclear}
          SOCS3_mRNA: {compartment: nucleus, role: mrna, entity: SOCS3}
        reactions:
          phosphorylation: {equation: STAT3 -> pSTAT3, michaelis-menten: {kcat: k, enzyme: JAK, km: k}, kind: phosphorylation}
          nuclear_import: {equation: 2 pSTAT3 -> pSTAT3n_dimer, mass-action: {kf: k}, kind: transport}
          dissociation: {equation: pSTAT3n_dimer <-> 2 pSTAT3n, mass-action: {kf: k, kr: k}, kind: dissociation}
          pp2_binds: {equation: PP2 + pSTAT3n <-> PP2_pSTAT3n, mass-action: {kf: k, kr: k}, kind: binding}
          pp2_dephosphorylates: {equation: PP2_pSTAT3n -> PP2 + STAT3n, mass-action: {kf: k}, kind: dephosphorylation}
          export: {equation: STAT3n -> STAT3, mass-action: {kf: k}, kind: transport}
          socs3_transcription: {equation: -> SOCS3_mRNA, hill: {vmax: k, k: k, n: 1, of: pSTAT3n_dimer}, compartment: nucleus, kind: transcription}

        """

    @Test("node: folds the nuclear forms into their own node; nuclear import is an arc into it")
    func nodeFoldingAndTranslocation() throws {
        let graph = try DiagramBuilder.graph(for: Self.model(Self.stat3))
        #expect(Set(influenceEdges(graph)) == [
            "JAK activation STAT3", "STAT3 activation STAT3_nuclear", "PP2 inhibition STAT3_nuclear",
            "STAT3_nuclear transcription SOCS3",
        ])
        let node = try #require(graph.nodes.first { $0.id == "entity-STAT3_nuclear" })
        // Drawn as its first active species: label, state, link.
        #expect(node.attributes["label"]?.description.contains("STAT3 dimer<BR/>(nuclear)") == true)
        #expect(node.attributes["label"]?.description.contains("pY705") == true)
        #expect(node.attributes["URL"] == "/genes/stat3")
        #expect(node.attributes["tooltip"] == "STAT3 dimer (nuclear) (STAT3_nuclear): transcription factor, active form pY705")
        func cluster(of id: String, in subgraphs: [GraphDescription.Subgraph]) -> String? {
            for s in subgraphs {
                if let inner = cluster(of: id, in: s.subgraphs) { return inner }
                if s.nodeIDs.contains(id) { return s.attributes["id"]?.description }
            }
            return nil
        }
        #expect(cluster(of: "entity-STAT3_nuclear", in: graph.subgraphs) == "compartment-nucleus")
        #expect(cluster(of: "entity-STAT3", in: graph.subgraphs) == "compartment-cytoplasm")
        let arc = try #require(Self.edge(graph, "influence-STAT3-translocation-STAT3_nuclear"))
        #expect(arc.attributes["class"] == "influence activation translocation")
        #expect(arc.attributes["arrowhead"] == "normal")
        #expect(arc.attributes["tooltip"] == "STAT3 is imported into the nucleus (nuclear_import)")
        // Without node: one STAT3 node, as before: the import is a move within it.
        let folded = try Self.edges(Self.stat3.replacingOccurrences(of: ", node: STAT3_nuclear", with: ""))
        #expect(folded == ["JAK activation STAT3", "PP2 inhibition STAT3", "STAT3 transcription SOCS3"])
    }

    static let pip3 = """
        species:
          PI3K: {compartment: cytoplasm, initial: 1, role: kinase, entity: PI3K, active: true}
          PTEN: {compartment: cytoplasm, initial: 1, role: phosphatase, entity: PTEN}
          PIP2: {compartment: membrane, initial: 800, role: lipid, label: "PI(4,5)P2", entity: PIP2}
          PIP3: {compartment: membrane, role: lipid, label: "PI(3,4,5)P3", entity: PIP3, active: true}
        reactions:
          pip3_synthesis: {equation: PIP2 -> PIP3, michaelis-menten: {kcat: k, enzyme: PI3K, km: k}, kind: phosphorylation}
          pip3_turnover: {equation: PIP3 -> PIP2, michaelis-menten: {kcat: k, enzyme: PTEN, km: k}, kind: dephosphorylation}

        """

    @Test("a step that makes one molecule into another is a conversion arc; its reverse inhibits the product")
    func conversion() throws {
        let graph = try DiagramBuilder.graph(for: Self.model(Self.pip3))
        #expect(Set(influenceEdges(graph)) == ["PIP2 conversion PIP3", "PI3K activation PIP3", "PTEN inhibition PIP3"])
        let arc = try #require(Self.edge(graph, "influence-PIP2-conversion-PIP3"))
        #expect(arc.attributes["tooltip"] == "PI(4,5)P2 is converted into PI(3,4,5)P3 (pip3_synthesis)")
        #expect(graph.nodes.first { $0.id == "legend" }?.attributes["label"]?.description.contains("is converted into") == true)
    }

    @Test("a node that no influence touches is reported at its first species' definition")
    func stranded() throws {
        let model = try Self.model(Self.pip3)
        #expect(DiagramBuilder.strandedNodes(in: model).isEmpty)
        let lone = try Self.model(Self.pip3.replacingOccurrences(of: "  pip3_synthesis:", with: "  # pip3_synthesis:"))
        let stranded = DiagramBuilder.strandedNodes(in: lone)
        #expect(stranded.map(\.node) == ["PI3K", "PIP2"])
        #expect(stranded.map(\.species) == ["PI3K", "PIP2"])
        let warnings = DiagramBuilder.strandedNodeWarnings(in: lone)
        #expect(warnings.map(\.description).last ==
            "rules.yaml:11:3: warning: species 'PIP2' is drawn as node 'PIP2' in the activity view but no drawn influence touches it")
    }

    @Test("an observable's entity is named in its node's tooltip")
    func readouts() throws {
        let model = try Self.model(Self.stat3 + """
            observables:
              pSTAT3_fraction: {expression: pSTAT3 / (STAT3 + pSTAT3), label: phosphorylated fraction of STAT3, entity: STAT3}
              nuclear_dimer: {expression: pSTAT3n_dimer, entity: STAT3_nuclear}
            """)
        let graph = try DiagramBuilder.graph(for: model)
        let tips = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.id, $0.attributes["tooltip"]?.description ?? "") })
        #expect(tips["entity-STAT3"] == "STAT3: transcription factor, active form pY705; read out as pSTAT3_fraction: phosphorylated fraction of STAT3")
        #expect(tips["entity-STAT3_nuclear"]?.hasSuffix("; read out as nuclear_dimer") == true)
        #expect(tips["entity-JAK"]?.contains("read out") == false)
    }
}
