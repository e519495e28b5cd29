import Testing
@testable import Calibration

@Suite struct PEtabTests {}
