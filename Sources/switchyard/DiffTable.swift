import OrderedCollections
import SwitchyardCore

/// `diff`'s short human table, for stderr: the headline rows of its JSON report.
enum DiffTable {
    static func render(_ report: JSONObject) -> String {
        let requests = report["requests"]?.doubleValue ?? 0
        func share(_ key: String) -> String {
            let count = report[key]?.doubleValue ?? 0
            let percent = requests == 0 ? 0 : count / requests * 100
            return "\(Int(count)) of \(Int(requests)) (\(format(percent, digits: 1))%)"
        }
        var rows: [(String, String, String, String)] = [
            ("", "before", "after", "change"),
            ("plan changed", "", "", share("plan_changed")),
            ("first provider changed", "", "", share("first_provider_changed")),
        ]
        if let cost = report["projected_cost"] {
            let currency = cost["currency"]?.stringValue.map { " \($0)" } ?? ""
            rows.append(number("projected cost" + currency, cost["before"], cost["after"], digits: 2, relative: true))
        }
        if let rate = report["success_rate"] {
            let before = (rate["before"]?.doubleValue ?? 0) * 100
            let after = (rate["after"]?.doubleValue ?? 0) * 100
            rows.append(("success rate", "\(format(before, digits: 1))%", "\(format(after, digits: 1))%", "\(signed(after - before, digits: 1)) pts"))
        }
        if let cost = report["simulated_cost"] {
            rows.append(number("simulated cost", cost["before"], cost["after"], digits: 2, relative: true))
        }
        if let latency = report["latency_s"] {
            for key in ["p50", "p99"] {
                rows.append(number("latency \(key) (s)", latency["before"]?[key], latency["after"]?[key], digits: 1, relative: false))
            }
        }
        let widths = (0..<4).map { column in rows.map { [$0.0, $0.1, $0.2, $0.3][column].count }.max() ?? 0 }
        var text = ""
        for row in rows {
            let cells = [row.0, row.1, row.2, row.3]
            text += cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index == 0 ? cell + pad : pad + cell
            }.joined(separator: "   ")
            text += "\n"
        }
        return text
    }

    private static func number(
        _ label: String, _ before: JSONValue?, _ after: JSONValue?, digits: Int, relative: Bool
    ) -> (String, String, String, String) {
        let old = before?.doubleValue ?? 0
        let new = after?.doubleValue ?? 0
        let change: String =
            if relative {
                old == 0 ? (new == 0 ? "0%" : "new") : "\(signed((new - old) / old * 100, digits: 1))%"
            } else {
                signed(new - old, digits: digits)
            }
        return (label, format(old, digits: digits), format(new, digits: digits), change)
    }

    private static func format(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = "\(rounded)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < digits { text += String(repeating: "0", count: digits - decimals) }
        } else if digits > 0 {
            text += "." + String(repeating: "0", count: digits)
        }
        return text
    }

    private static func signed(_ value: Double, digits: Int) -> String {
        value >= 0 ? "+" + format(value, digits: digits) : format(value, digits: digits)
    }
}
