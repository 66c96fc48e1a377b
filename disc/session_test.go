package disc

import (
	"testing"

	"spindle/cd"
)

// The Orange Book's multi-session arithmetic: 11400 blocks from the first
// lead-out to the next session's first track, 6900 from a later one; the
// msinfo of a CD-R with one 300-block TAO track is "0,11702".
func TestNextSessionStart(t *testing.T) {
	if got := NextSessionStart(1000, true); got != 12400 {
		t.Errorf("after the first session: %d", got)
	}
	if got := NextSessionStart(20000, false); got != 26900 {
		t.Errorf("after a later session: %d", got)
	}
	if got := NextSessionStart(TAOTrackEnd(300), true); got != 11702 {
		t.Errorf("after a 300-block TAO track: %d, want cdrecord's 11702", got)
	}
	if LeadOutLength(0) != 6750 || LeadOutLength(3) != 2250 || LaterLeadInLength != 4500 || StandardPregap != 150 {
		t.Error("area lengths")
	}
	if TAOGap != 7 || TAONextTrackStart(1000, 0) != 1152 || TAONextTrackStart(1000, 300) != 1302 {
		t.Error("TAO gaps")
	}
}

func TestGeometry(t *testing.T) {
	l := cdExtra()
	g0, g1 := l.Geometry(0), l.Geometry(1)
	want0 := SessionGeometry{LeadIn: -150, ProgramStart: -150, LeadOut: 30000, LeadOutLength: 6750, NextSession: 41400}
	want1 := SessionGeometry{LeadIn: 36750, LeadInLength: 4500, ProgramStart: 41250, LeadOut: 45000, LeadOutLength: 2250, NextSession: 51900}
	if g0 != want0 || g1 != want1 {
		t.Errorf("geometry:\n%+v\n%+v", g0, g1)
	}
	if g1.ProgramStart != l.Sessions[1].Tracks[0].Start-cd.LBA(l.Sessions[1].Tracks[0].Pregap) {
		t.Error("the second session's pre-gap does not begin where its lead-in ends")
	}
	// An image whose second session follows the first directly: the
	// program area is where the layout puts it, and there is no lead-in.
	l.Sessions[1].Tracks[0].Start, l.Sessions[1].LeadOut = 30150, 33750
	if g := l.Geometry(1); g.ProgramStart != 30000 || g.LeadInLength != 0 || g.LeadIn != 30000 {
		t.Errorf("contiguous sessions: %+v", g)
	}
	// A session without a recorded lead-out ends with its last track.
	l = cdExtra()
	l.Sessions[1].LeadOut = 0
	if g := l.Geometry(1); g.LeadOut != 45000 {
		t.Errorf("lead-out of a session without one: %d", g.LeadOut)
	}
}
