import Testing

@testable import SwitchyardRuntime

@Suite struct HeldSlotsTests {
    /// Closing hands back every slot held; a slot granted after (to a submit that was queued
    /// when the run ended) is refused, so its holder releases it and none leaks.
    @Test func aSlotGrantedAfterCloseIsRefused() {
        let held = HeldSlots()
        #expect(held.insert("veo3"))
        #expect(held.insert("runway"))
        #expect(held.remove("runway"))
        #expect(!held.remove("runway"))
        #expect(held.close() == ["veo3"])
        #expect(!held.insert("veo3"))
        #expect(held.close().isEmpty)
    }
}
