package scsi

import "testing"

func TestStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{None.String(), "none"},
		{FromDevice.String(), "from-device"},
		{ToDevice.String(), "to-device"},
		{Direction(7).String(), "Direction(7)"},
		{StatusGood.String(), "GOOD"},
		{StatusCheckCondition.String(), "CHECK CONDITION"},
		{StatusConditionMet.String(), "CONDITION MET"},
		{StatusBusy.String(), "BUSY"},
		{StatusReservationConflict.String(), "RESERVATION CONFLICT"},
		{StatusTaskSetFull.String(), "TASK SET FULL"},
		{StatusACAActive.String(), "ACA ACTIVE"},
		{StatusTaskAborted.String(), "TASK ABORTED"},
		{Status(0x22).String(), "status 22h"},
		{KeyBlankCheck.String(), "BLANK CHECK"},
		{KeyAbortedCommand.String(), "ABORTED COMMAND"},
		{SenseKey(0x20).String(), "sense key 20h"},
		{TypeDisk.String(), "disk"},
		{TypeMMC.String(), "cd/dvd"},
		{TypeChanger.String(), "media changer"},
		{TypeUnknown.String(), "unknown"},
		{DeviceType(0x11).String(), "device type 11h"},
		{Stop.String(), "stop"},
		{Start.String(), "start"},
		{Eject.String(), "eject"},
		{Load.String(), "load"},
		{StartStop(9).String(), "StartStop(9)"},
		{DesigSCSIName.String(), "SCSI name string"},
		{DesignatorType(0xC).String(), "designator type Ch"},
		{(&StatusError{Status: StatusBusy}).Error(), "status BUSY"},
		{(&StatusError{Status: StatusCheckCondition}).Error(), "status CHECK CONDITION without sense data"},
		{(&StatusError{Status: StatusCheckCondition, Sense: []byte{1, 2}}).Error(), "status CHECK CONDITION with undecodable sense data 01 02"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
