package iso9660

// PeerSLTarget lets the external tests expect, for images made by xorriso
// and genisoimage, the link targets those tools record.
var PeerSLTarget = rrPeerSLTarget
