/// Hand-rolled inline SVG charts for the report: stacked bars over virtual time and a histogram.
/// No script and no external resource, so the file opens anywhere, offline, and diffs cleanly.
/// Callers pass names already escaped for HTML.
struct ReportChart {
    /// One series of a stacked chart, drawn in `color`.
    struct Layer {
        var name: String
        var color: String
        var values: [Double]
    }

    /// A line over the bars with its own axis on the right, such as the cumulative cost.
    struct Line {
        var color: String
        var values: [Double]
        var ticks: [Double]
        var label: String
    }

    /// A dashed vertical marker with a label, such as a percentile.
    struct Marker {
        var value: Double
        var label: String
    }

    static let width = 960.0
    var height = 250.0
    var left = 64.0
    /// Room for a right-hand axis on every time chart, so their time axes line up.
    var right = 72.0
    var top = 12.0
    var bottom = 42.0

    private var plotWidth: Double { Self.width - left - right }
    private var plotHeight: Double { height - top - bottom }
    private var baseline: Double { top + plotHeight }

    /// Stacked bars, one per interval of `interval` milliseconds, with a tooltip each.
    /// - Parameters:
    ///   - yTicks: from 0 to the top of the axis.
    ///   - tooltips: one per interval, already escaped; an interval with no bar has none.
    func timeBars(
        interval: Int64, count: Int, layers: [Layer], yTicks: [Double], yLabel: String, tooltips: [String], line: Line? = nil, percent: Bool = false
    ) -> String {
        let count = max(count, 1)
        let span = Double(interval) * Double(count)
        let x = { (time: Double) in left + plotWidth * time / span }
        let yMax = max(yTicks.last ?? 1, 1e-9)
        var svg = frame(label: yLabel)
        svg += yAxis(ticks: yTicks, maximum: yMax, percent: percent)
        let barWidth = plotWidth / Double(count)
        let gap = barWidth > 4 ? 1.0 : 0
        for index in 0..<count {
            var stacked = 0.0
            var rects = ""
            for layer in layers where index < layer.values.count && layer.values[index] > 0 {
                let low = stacked
                stacked += layer.values[index]
                let y0 = y(low, maximum: yMax)
                let y1 = y(stacked, maximum: yMax)
                rects += rect(
                    x: x(Double(index) * Double(interval)) + gap / 2, y: y1, width: barWidth - gap, height: max(y0 - y1, 0.5), fill: layer.color)
            }
            guard !rects.isEmpty else { continue }
            let tooltip = index < tooltips.count ? "<title>\(tooltips[index])</title>" : ""
            svg += "<g>\(tooltip)\(rects)</g>\n"
        }
        if let line {
            let lineMax = max(line.ticks.last ?? 1, 1e-9)
            var points = "\(ReportFormat.coordinate(left)),\(ReportFormat.coordinate(baseline))"
            for (index, value) in line.values.enumerated() {
                points +=
                    " \(ReportFormat.coordinate(x(Double(index + 1) * Double(interval)))),\(ReportFormat.coordinate(y(value, maximum: lineMax)))"
            }
            svg += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n"
            let step = line.ticks.count > 1 ? line.ticks[1] - line.ticks[0] : 1
            for tick in line.ticks {
                svg += text(
                    ReportFormat.tick(tick, step: step), x: Self.width - right + 8, y: y(tick, maximum: lineMax) + 4, anchor: "start",
                    fill: line.color)
            }
            svg += rotatedLabel(line.label, x: Self.width - 10, fill: line.color)
        }
        let step = ChartScale.timeStep(span: Int64(span))
        // The same clock as the tooltips: with seconds while intervals are under a minute.
        let seconds = interval < 60_000
        var tick: Int64 = 0
        while Double(tick) <= span {
            let position = x(Double(tick))
            svg += "<line x1=\"\(ReportFormat.coordinate(position))\" y1=\"\(ReportFormat.coordinate(baseline))\" "
            svg += "x2=\"\(ReportFormat.coordinate(position))\" y2=\"\(ReportFormat.coordinate(baseline + 5))\" stroke=\"#9aa5b1\"/>"
            svg += text(ReportFormat.clock(tick, seconds: seconds), x: position, y: baseline + 19, anchor: "middle")
            tick += step
        }
        svg += axisLine()
        svg += text(
            "virtual time since the start (\(seconds ? "m:ss" : span > 86_400_000 ? "days, h:mm" : "h:mm"))", x: left + plotWidth / 2, y: height - 6,
            anchor: "middle", fill: "#52606d")
        return svg + "</svg>"
    }

    /// A histogram of equal bins from 0, an optional bar for everything beyond, and markers.
    /// - Parameters:
    ///   - binWidth: in the unit of `markers` and of the axis labels.
    ///   - tickEvery: a labelled tick every this many bins.
    func histogram(
        bins: [Int], binWidth: Double, beyond: Int, tickEvery: Int, markers: [Marker], xLabel: String, yLabel: String, color: String
    ) -> String {
        let slots = Double(bins.count + (beyond > 0 ? 2 : 0))
        let slotWidth = plotWidth / max(slots, 1)
        let limit = binWidth * Double(bins.count)
        let x = { (value: Double) in left + slotWidth * value / binWidth }
        let yTicks = ChartScale.ticks(upTo: Double(max(bins.max() ?? 0, beyond)), count: 4, integral: true)
        let yMax = yTicks.last ?? 1
        var svg = frame(label: yLabel)
        svg += yAxis(ticks: yTicks, maximum: yMax, percent: false)
        let gap = slotWidth > 4 ? 1.0 : 0
        for (index, count) in bins.enumerated() where count > 0 {
            let low = Double(index) * binWidth
            let tooltip =
                "\(ReportFormat.tick(low, step: binWidth))–\(ReportFormat.tick(low + binWidth, step: binWidth)): \(ReportFormat.count(count))"
            let barTop = y(Double(count), maximum: yMax)
            svg += "<g><title>\(tooltip)</title>"
            svg += rect(x: x(low) + gap / 2, y: barTop, width: slotWidth - gap, height: max(baseline - barTop, 0.5), fill: color) + "</g>\n"
        }
        let step = binWidth * Double(tickEvery)
        var tick = 0.0
        while tick <= limit + binWidth / 2 {
            svg += "<line x1=\"\(ReportFormat.coordinate(x(tick)))\" y1=\"\(ReportFormat.coordinate(baseline))\" "
            svg += "x2=\"\(ReportFormat.coordinate(x(tick)))\" y2=\"\(ReportFormat.coordinate(baseline + 5))\" stroke=\"#9aa5b1\"/>"
            svg += text(ReportFormat.tick(tick, step: step), x: x(tick), y: baseline + 19, anchor: "middle")
            tick += step
        }
        if beyond > 0 {
            let position = left + slotWidth * (slots - 1)
            let barTop = y(Double(beyond), maximum: yMax)
            svg += "<g><title>over \(ReportFormat.tick(limit, step: step)): \(ReportFormat.count(beyond))</title>"
            svg += rect(x: position + gap / 2, y: barTop, width: slotWidth - gap, height: max(baseline - barTop, 0.5), fill: "#7b8794") + "</g>\n"
            svg += text("more", x: position + slotWidth / 2, y: baseline + 19, anchor: "middle")
        }
        // Labels in rows, so close percentiles never print over each other.
        for (row, marker) in markers.enumerated() where marker.value <= limit {
            let position = x(marker.value)
            svg += "<line x1=\"\(ReportFormat.coordinate(position))\" y1=\"\(ReportFormat.coordinate(top))\" "
            svg +=
                "x2=\"\(ReportFormat.coordinate(position))\" y2=\"\(ReportFormat.coordinate(baseline))\" stroke=\"#1f2933\" stroke-dasharray=\"4 3\"/>"
            let flip = position > left + plotWidth * 0.8
            svg += text(
                marker.label, x: position + (flip ? -5 : 5), y: top + 12 + Double(row) * 16, anchor: flip ? "end" : "start", fill: "#1f2933",
                halo: true)
        }
        svg += axisLine()
        svg += text(xLabel, x: left + plotWidth / 2, y: height - 6, anchor: "middle", fill: "#52606d")
        return svg + "</svg>"
    }

    // MARK: - Pieces

    private func y(_ value: Double, maximum: Double) -> Double { top + plotHeight * (1 - min(value / maximum, 1)) }

    private func frame(label: String) -> String {
        var svg =
            "<svg viewBox=\"0 0 \(ReportFormat.coordinate(Self.width)) \(ReportFormat.coordinate(height))\" role=\"img\" aria-label=\"\(label)\">\n"
        svg += rotatedLabel(label, x: 14, fill: "#52606d")
        return svg
    }

    private func yAxis(ticks: [Double], maximum: Double, percent: Bool) -> String {
        var svg = ""
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        for tick in ticks {
            let position = y(tick, maximum: maximum)
            svg += "<line x1=\"\(ReportFormat.coordinate(left))\" y1=\"\(ReportFormat.coordinate(position))\" "
            svg += "x2=\"\(ReportFormat.coordinate(Self.width - right))\" y2=\"\(ReportFormat.coordinate(position))\" stroke=\"#e4e7eb\"/>"
            svg += text(ReportFormat.tick(tick, step: step) + (percent ? "%" : ""), x: left - 8, y: position + 4, anchor: "end")
        }
        return svg + "\n"
    }

    private func axisLine() -> String {
        "<line x1=\"\(ReportFormat.coordinate(left))\" y1=\"\(ReportFormat.coordinate(baseline))\" x2=\"\(ReportFormat.coordinate(Self.width - right))\" "
            + "y2=\"\(ReportFormat.coordinate(baseline))\" stroke=\"#52606d\"/>\n"
    }

    private func rotatedLabel(_ label: String, x: Double, fill: String) -> String {
        let middle = ReportFormat.coordinate(top + plotHeight / 2)
        return
            "<text transform=\"translate(\(ReportFormat.coordinate(x)),\(middle)) rotate(-90)\" text-anchor=\"middle\" fill=\"\(fill)\">\(label)</text>\n"
    }

    private func rect(x: Double, y: Double, width: Double, height: Double, fill: String) -> String {
        "<rect x=\"\(ReportFormat.coordinate(x))\" y=\"\(ReportFormat.coordinate(y))\" width=\"\(ReportFormat.coordinate(max(width, 0.5)))\" "
            + "height=\"\(ReportFormat.coordinate(height))\" fill=\"\(fill)\"/>"
    }

    private func text(_ content: String, x: Double, y: Double, anchor: String, fill: String? = nil, halo: Bool = false) -> String {
        var attributes = "x=\"\(ReportFormat.coordinate(x))\" y=\"\(ReportFormat.coordinate(y))\" text-anchor=\"\(anchor)\""
        if let fill { attributes += " fill=\"\(fill)\"" }
        if halo { attributes += " class=\"halo\"" }
        return "<text \(attributes)>\(content)</text>"
    }
}
