import Testing
@testable import Analysis

/// `--shard auto` and `--shard auto/N`: the shard a scheduler gives a process, from its environment.
@Suite("Shards from Slurm and Kubernetes environments")
struct ShardEnvironmentTests {
    @Test func aSlurmArrayTaskIsItsShard() throws {
        let env = ["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"]
        #expect(try Shard(parsing: "auto", environment: env) == Shard(index: 3, count: 8))
        #expect(try Shard(parsing: "auto/8", environment: env) == Shard(index: 3, count: 8))
    }

    @Test func aSlurmArrayStartingAtZeroWithAStepIsNumberedFromOne() throws {
        // sbatch --array=0-14:2 → tasks 0, 2, …, 14: eight shards.
        let env = ["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "14", "SLURM_ARRAY_TASK_STEP": "2"]
        #expect(try Shard(parsing: "auto", environment: env) == Shard(index: 4, count: 8))
    }

    @Test func aKubernetesIndexedJobIsZeroBased() throws {
        #expect(try Shard(parsing: "auto/5", environment: ["JOB_COMPLETION_INDEX": "0"]) == Shard(index: 1, count: 5))
        #expect(try Shard(parsing: "auto/5", environment: ["JOB_COMPLETION_INDEX": "4"]) == Shard(index: 5, count: 5))
    }

    @Test(arguments: [
        ("auto", [String: String](), "not inside a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT are not set) nor a Kubernetes indexed Job (JOB_COMPLETION_INDEX is not set)"),
        ("auto", ["JOB_COMPLETION_INDEX": "2"], "give it as auto/N with N the Job's completions"),
        ("auto/4", ["JOB_COMPLETION_INDEX": "4"], "JOB_COMPLETION_INDEX is 4, outside 0…3"),
        ("auto/4", ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "8"], "the job array has 8 tasks, not 4"),
        ("auto", ["SLURM_ARRAY_TASK_ID": "2"], "SLURM_ARRAY_TASK_MIN is not"),
        ("auto", ["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_MIN": "1"], "SLURM_ARRAY_TASK_ID is 'x', not a whole number"),
        ("auto/0", [String: String](), "expected auto/N"),
    ])
    func refusalsNameWhatIsWrong(_ text: String, _ env: [String: String], _ message: String) {
        #expect(throws: AnalysisError.self) { try Shard(parsing: text, environment: env) }
        do {
            _ = try Shard(parsing: text, environment: env)
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
            // The library names the setting and the value; the command line names its option (--shard).
            #expect(error.input == AnalysisError.Input(setting: .shard, value: text))
            #expect(error.description == "shard \(text): \(error.message)")
        }
    }

    @Test func explicitShardsIgnoreTheEnvironment() throws {
        #expect(try Shard(parsing: "2/3", environment: ["SLURM_ARRAY_TASK_ID": "7"]) == Shard(index: 2, count: 3))
    }
}

/// Shards of different scans must not merge: the model fingerprint covers SBML's event semantics.
@Suite("Model fingerprint")
struct FingerprintTests {
    static func model(_ event: String) throws -> String {
        try loadYAML("""
            model: f
            compartments: {cell: 1}
            species:
              A: {compartment: cell, initial: 1}
            parameters:
              k: {value: 1, source: test}
            reactions:
              decay: {equation: A ->, mass-action: {kf: k}}
            events:
              kick: \(event)
            """).fingerprint
    }

    @Test func eventDelayPriorityAndPersistenceChangeTheFingerprint() throws {
        let base = try Self.model("{when: \"A < 0.5\", set: {A: 1}}")
        let variants = [
            "{when: \"A < 0.5\", set: {A: 1}, delay: 2 s}",
            "{when: \"A < 0.5\", set: {A: 1}, priority: \"1\"}",
            "{when: \"A < 0.5\", set: {A: 1}, delay: 2 s, persistent: false}",
            "{when: \"A < 0.5\", set: {A: 1}, delay: 2 s, values-from-trigger-time: true}",
            "{when: \"A < 0.5\", set: {A: 1}, initial-value: false}",
        ]
        var seen: Set<String> = [base]
        for v in variants {
            let f = try Self.model(v)
            #expect(!seen.contains(f), "\(v) has the fingerprint of another variant")
            seen.insert(f)
        }
        #expect(try Self.model("{when: \"A < 0.5\", set: {A: 1}}") == base)
    }
}
