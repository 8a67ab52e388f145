import Certification
import Foundation

/// SARIF 2.1.0 for code scanning. (Being written.)
enum SARIFReportRenderer {
    static func render(_ report: Report) -> String { "{}" }
}
