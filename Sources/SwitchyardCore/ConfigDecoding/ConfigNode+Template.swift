extension ConfigNode {
    /// Compiles the node as a template (a whole JSON tree, or a string), reporting each bad
    /// placeholder at its own line and column.
    func template(scope: TemplateScope) -> Template? {
        let before = context.diagnostics.diagnostics.count
        let root = templateNode(scope: scope)
        guard context.diagnostics.diagnostics.count == before, let root else { return nil }
        return Template(root: root)
    }

    /// Compiles a string-valued template (paths, URLs, header values).
    func stringTemplate(scope: TemplateScope) -> Template? {
        guard let text = string() else { return nil }
        do {
            return try Template(string: text, scope: scope)
        } catch {
            report(error, in: text)
            return nil
        }
    }

    private func templateNode(scope: TemplateScope) -> Template.Node? {
        switch node {
        case .scalar(let scalar) where scalar.style != .plain || !isNull:
            let value = jsonValue()
            guard case .string(let raw) = value else { return .literal(value) }
            guard
                let text = EnvironmentInterpolation.expand(
                    raw, variables: context.variables, report: { error("\($0) in \(name)", code: "environment") })
            else {
                return nil
            }
            do {
                return try Template.compileString(text, scope: scope)
            } catch {
                report(error, in: text)
                return nil
            }
        case .scalar:
            return .literal(.null)
        case .sequence:
            let nodes = (sequence() ?? []).map { $0.templateNode(scope: scope) }
            return nodes.contains(where: { $0 == nil }) ? nil : .array(nodes.compactMap { $0 })
        case .mapping(let mapping):
            var members: [Template.Member] = []
            var failed = false
            for (key, value) in mapping {
                let keyText = key.scalar?.string ?? ""
                if let node = child(value, key: keyText).templateNode(scope: scope) {
                    members.append(Template.Member(key: keyText, value: node))
                } else {
                    failed = true
                }
            }
            return failed ? nil : .object(members)
        }
    }

    /// Reports a template error at the placeholder's column when the scalar sits on one line.
    private func report(_ templateError: TemplateError, in text: String) {
        var at = location
        // After `${env:...}` substitution the offset no longer matches the file; stay at the value's start.
        if case .scalar(let scalar) = node, scalar.string == text, let offset = templateError.offset, !text.contains("\n"),
            [.plain, .singleQuoted, .doubleQuoted].contains(scalar.style)
        {
            at.column += offset + (scalar.style == .plain ? 0 : 1)
        }
        context.diagnostics.error("\(templateError.message) (in \(name))", at: at, code: "template")
    }
}
