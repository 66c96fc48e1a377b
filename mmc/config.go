package mmc

import "fmt"

// ConfigRequest is the RT field of GET CONFIGURATION: which features to
// return.
type ConfigRequest uint8

// GET CONFIGURATION request types.
const (
	ConfigAll     ConfigRequest = 0 // every feature from the starting one
	ConfigCurrent ConfigRequest = 1 // current features only
	ConfigOne     ConfigRequest = 2 // the starting feature only
)

// GetConfiguration builds the 10-byte GET CONFIGURATION CDB (46h; MMC-5
// §6.6).
func GetConfiguration(rt ConfigRequest, start Feature, alloc uint16) [10]byte {
	var c [10]byte
	c[0] = OpGetConfiguration
	c[1] = byte(rt) & 3
	put16(c[2:], uint16(start))
	put16(c[7:], alloc)
	return c
}

// Profile is a profile number, as the Profile List feature (0000h; MMC-6
// §5.3, which describes one feature per sub-clause) lists them.
type Profile uint16

// Profiles.
const (
	ProfileNone          Profile = 0x0000
	ProfileRemovable     Profile = 0x0002
	ProfileMO            Profile = 0x0003
	ProfileCDROM         Profile = 0x0008
	ProfileCDR           Profile = 0x0009
	ProfileCDRW          Profile = 0x000A
	ProfileDVDROM        Profile = 0x0010
	ProfileDVDR          Profile = 0x0011 // sequential recording
	ProfileDVDRAM        Profile = 0x0012
	ProfileDVDRWOverw    Profile = 0x0013 // restricted overwrite
	ProfileDVDRWSeq      Profile = 0x0014 // sequential recording
	ProfileDVDRDLSeq     Profile = 0x0015
	ProfileDVDRDLJump    Profile = 0x0016
	ProfileDVDRWDL       Profile = 0x0017
	ProfileDVDDownload   Profile = 0x0018
	ProfileDVDPlusRW     Profile = 0x001A
	ProfileDVDPlusR      Profile = 0x001B
	ProfileDVDPlusRWDL   Profile = 0x002A
	ProfileDVDPlusRDL    Profile = 0x002B
	ProfileBDROM         Profile = 0x0040
	ProfileBDRSeq        Profile = 0x0041 // sequential recording mode
	ProfileBDRRandom     Profile = 0x0042 // random recording mode
	ProfileBDRE          Profile = 0x0043
	ProfileHDDVDROM      Profile = 0x0050
	ProfileHDDVDR        Profile = 0x0051
	ProfileHDDVDRAM      Profile = 0x0052
	ProfileHDDVDRW       Profile = 0x0053
	ProfileHDDVDRDL      Profile = 0x0058
	ProfileHDDVDRWDL     Profile = 0x005A
	ProfileNonConforming Profile = 0xFFFF
)

var profileNames = map[Profile]string{
	ProfileNone: "none", ProfileRemovable: "removable disk", ProfileMO: "MO erasable",
	ProfileCDROM: "CD-ROM", ProfileCDR: "CD-R", ProfileCDRW: "CD-RW",
	ProfileDVDROM: "DVD-ROM", ProfileDVDR: "DVD-R sequential recording", ProfileDVDRAM: "DVD-RAM",
	ProfileDVDRWOverw: "DVD-RW restricted overwrite", ProfileDVDRWSeq: "DVD-RW sequential recording",
	ProfileDVDRDLSeq: "DVD-R DL sequential recording", ProfileDVDRDLJump: "DVD-R DL layer jump recording",
	ProfileDVDRWDL: "DVD-RW DL", ProfileDVDDownload: "DVD-Download disc recording",
	ProfileDVDPlusRW: "DVD+RW", ProfileDVDPlusR: "DVD+R", ProfileDVDPlusRWDL: "DVD+RW DL", ProfileDVDPlusRDL: "DVD+R DL",
	ProfileBDROM: "BD-ROM", ProfileBDRSeq: "BD-R sequential recording", ProfileBDRRandom: "BD-R random recording",
	ProfileBDRE:     "BD-RE",
	ProfileHDDVDROM: "HD DVD-ROM", ProfileHDDVDR: "HD DVD-R", ProfileHDDVDRAM: "HD DVD-RAM", ProfileHDDVDRW: "HD DVD-RW",
	ProfileHDDVDRDL: "HD DVD-R DL", ProfileHDDVDRWDL: "HD DVD-RW DL",
	ProfileNonConforming: "non-conforming",
}

// String returns the profile's name, or its number in hex for an unknown
// one.
func (p Profile) String() string {
	if n, ok := profileNames[p]; ok {
		return n
	}
	return fmt.Sprintf("profile %04Xh", uint16(p))
}

// Feature is a feature code (MMC-6 §5.3, one feature per sub-clause).
type Feature uint16

// Some feature codes.
const (
	FeatureProfileList      Feature = 0x0000
	FeatureCore             Feature = 0x0001
	FeatureMorphing         Feature = 0x0002
	FeatureRemovableMedium  Feature = 0x0003
	FeatureRandomReadable   Feature = 0x0010
	FeatureMultiRead        Feature = 0x001D
	FeatureCDRead           Feature = 0x001E
	FeatureDVDRead          Feature = 0x001F
	FeatureRandomWritable   Feature = 0x0020
	FeatureIncremental      Feature = 0x0021
	FeatureFormattable      Feature = 0x0023
	FeatureRestrictedOverw  Feature = 0x0026
	FeatureCDTAO            Feature = 0x002D
	FeatureCDMastering      Feature = 0x002E // session at once / raw
	FeatureDVDRWrite        Feature = 0x002F
	FeatureBDRead           Feature = 0x0040
	FeatureBDWrite          Feature = 0x0041
	FeaturePowerManagement  Feature = 0x0100
	FeatureRealTimeStream   Feature = 0x0107
	FeatureDriveSerial      Feature = 0x0108
	FeatureFirmwareInfo     Feature = 0x010C
	FeatureAACS             Feature = 0x010D
	FeatureDVDCSS           Feature = 0x0106
	FeatureCDAudioExtPlay   Feature = 0x0103
	FeatureMicrocodeUpgrade Feature = 0x0104
	FeatureTimeout          Feature = 0x0105
)

// FeatureDescriptor is one feature of the configuration.
type FeatureDescriptor struct {
	Code       Feature
	Version    uint8 // 4 bits
	Persistent bool
	Current    bool
	Data       []byte // the additional data, after the 4-byte header
}

// ProfileDescriptor is an entry of the profile list (feature 0000h).
type ProfileDescriptor struct {
	Profile Profile
	Current bool
}

// Configuration is the response of GET CONFIGURATION.
type Configuration struct {
	CurrentProfile Profile
	Features       []FeatureDescriptor
}

// Feature returns the descriptor of feature f, if present.
func (c *Configuration) Feature(f Feature) (FeatureDescriptor, bool) {
	for _, d := range c.Features {
		if d.Code == f {
			return d, true
		}
	}
	return FeatureDescriptor{}, false
}

// Profiles decodes the profile list (feature 0000h), or returns nil if the
// configuration does not hold it.
func (c *Configuration) Profiles() []ProfileDescriptor {
	d, ok := c.Feature(FeatureProfileList)
	if !ok {
		return nil
	}
	out := make([]ProfileDescriptor, 0, len(d.Data)/4)
	for i := 0; i+4 <= len(d.Data); i += 4 {
		out = append(out, ProfileDescriptor{Profile: Profile(be16(d.Data[i:])), Current: d.Data[i+2]&1 != 0})
	}
	return out
}

// ParseConfiguration parses the response of GET CONFIGURATION: the
// 8-byte feature header and the feature descriptors its data length
// covers. Descriptors share the response's memory.
func ParseConfiguration(b []byte) (*Configuration, error) {
	const s = "GET CONFIGURATION"
	b, err := response(s, b, 4, 8)
	if err != nil {
		return nil, err
	}
	c := &Configuration{CurrentProfile: Profile(be16(b[6:8]))}
	for off := 8; off < len(b); {
		if off+4 > len(b) {
			return nil, formatErr(s, off, "feature descriptor header cut short")
		}
		d := b[off:]
		n := int(d[3])
		if off+4+n > len(b) {
			return nil, formatErr(s, off+3, "feature %04Xh additional length %d beyond the data length", be16(d), n)
		}
		c.Features = append(c.Features, FeatureDescriptor{
			Code:       Feature(be16(d)),
			Version:    d[2] >> 2 & 0x0F,
			Persistent: d[2]&0x02 != 0,
			Current:    d[2]&0x01 != 0,
			Data:       d[4 : 4+n : 4+n],
		})
		off += 4 + n
	}
	return c, nil
}
