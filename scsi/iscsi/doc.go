// Package iscsi is a small iSCSI target (RFC 7143) that serves any
// scsi.Transport as a logical unit, so that an initiator elsewhere sees it
// as a SCSI device of its own. Its use in Spindle: QEMU attaches an
// iscsi:// URL as a pass-through SCSI device (-drive file=iscsi://... with
// -device scsi-generic, through libiscsi), and the guest's kernel then
// sees the emulated drive of package mmc/emu, or a real drive opened with
// scsi/sgio, as its own /dev/srN.
//
//	t := &iscsi.Target{Name: "iqn.2025-01.org.example:drive", LUNs: []scsi.Transport{drive}}
//	ln, err := net.Listen("tcp", "127.0.0.1:3260")
//	...
//	fmt.Println(t.URL(ln.Addr().String(), 0)) // iscsi://127.0.0.1:3260/iqn.2025-01.org.example:drive/0
//	err = t.Serve(ctx, ln)
//
// # Security
//
// There is no authentication (AuthMethod=None) and no encryption: whoever
// can connect can send any command to the units, writes to a real drive
// included. Listen on a loopback address unless the network is trusted.
//
// # Protocol
//
// The target implements what libiscsi (QEMU, the iscsi-* tools) uses, and
// what the Linux open-iscsi initiator should need (not tested yet), at
// error recovery level 0:
//
//   - Login (section 6.3): the Security Negotiation stage accepts only
//     AuthMethod=None, or may be skipped; the Operational Negotiation
//     stage answers every key of section 13 (HeaderDigest and DataDigest
//     None, InitialR2T=Yes, ImmediateData as offered, MaxBurstLength and
//     FirstBurstLength the smaller of the offer and 1 MiB / 256 KiB,
//     MaxConnections=1, MaxOutstandingR2T=1, ErrorRecoveryLevel=0).
//     Unknown keys get NotUnderstood. A login with the initiator name and
//     ISID of an existing session replaces it (section 6.3.5).
//   - Discovery sessions answer SendTargets=All with this target and the
//     address the initiator reached (section 13.3).
//   - SCSI commands (section 11.3) go to the unit's Transport; data-in
//     comes back in Data-In PDUs, the status in the last of them when it
//     is GOOD, else in a SCSI Response with the sense data. Data-out
//     arrives as immediate data and then in bursts solicited by R2T; a
//     Data-Out PDU whose DataSN is out of order ends its command with
//     CHECK CONDITION, ABORTED COMMAND (47h/05h). A Transport error becomes the iSCSI
//     response Target Failure.
//   - Residuals (U and O bits, section 11.4.5) compare Result.Transferred
//     (the whole buffer when it is TransferUnknown) with the Expected Data
//     Transfer Length, which is len(Command.Data). A Transport that knows
//     the CDB asked to move more than the buffer holds may report that
//     larger count in Transferred: the target signals it as overflow, as
//     an iSCSI target must when the CDB's transfer length exceeds EDTL.
//   - REPORT LUNS is answered by the target from its list of units,
//     whatever the Transports say; commands to an absent unit end with
//     LOGICAL UNIT NOT SUPPORTED (INQUIRY reports qualifier 011b).
//   - NOP-Out pings are answered at once, also while a command runs:
//     libiscsi sends one every 5 s and reconnects after three go
//     unanswered, and a drive may take minutes to blank a disc.
//   - Task management: ABORT TASK, ABORT TASK SET, CLEAR TASK SET,
//     LOGICAL UNIT RESET and TARGET WARM RESET end the session's
//     matching tasks (a running command's context is cancelled) before
//     they are answered; TARGET COLD RESET also closes the connection.
//   - Logout closes the connection.
//
// Commands to one unit run one at a time, in the order they arrive, from
// all sessions together: the unit's Transport is never called
// concurrently. Each connection is read by its own goroutine and written
// by another, and a unit runs its commands on a third.
//
// Malformed input — a length beyond what was declared, a PDU the state of
// the connection does not allow, text that is not key=value pairs — ends
// the connection (after a Reject PDU where the protocol has one) and is
// logged; it never takes down the target. Every length is bounded before
// anything is allocated.
//
// Section numbers in comments are those of RFC 7143.
package iscsi
