/// The path from a document's root to a node, as a linked list: building it costs one small
/// object per node, and the text (`submit.body.model`, `rules[2].plan`) is made only for a message.
final class KeyPathTrail {
    enum Step {
        case key(String)
        case index(Int)
    }

    let parent: KeyPathTrail?
    let step: Step

    init(parent: KeyPathTrail?, step: Step) {
        self.parent = parent
        self.step = step
    }

    var rendered: String {
        var steps: [Step] = []
        var current: KeyPathTrail? = self
        while let trail = current {
            steps.append(trail.step)
            current = trail.parent
        }
        var text = ""
        for step in steps.reversed() {
            switch step {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}
