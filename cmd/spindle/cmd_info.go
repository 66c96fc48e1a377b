package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"spindle/iso9660"
	"spindle/iso9660/eltorito"
)

type infoFlags struct {
	imageFlags
	asJSON bool
}

type infoReport struct {
	Image  string                       `json:"image"`
	Size   int64                        `json:"size"`
	Volume iso9660.VolumeDescriptorInfo `json:"volume"`
	Boot   *eltorito.Catalog            `json:"boot_catalog,omitempty"`
	// BootError says why a boot catalog the image names could not be read.
	BootError string `json:"boot_catalog_error,omitempty"`
	// Displacement is how many blocks the recorded addresses lie beyond
	// the image's own blocks (a later session's track on its own).
	Displacement int64 `json:"displacement,omitempty"`
	// Sessions of a growable image (libisofs layout), oldest first.
	Sessions []infoSession `json:"sessions,omitempty"`
	// Layout and Track are set for a disc image (CUE sheet or TOC file):
	// its tracks, and the data track read (Size is then its bytes).
	Layout *layoutJSON    `json:"layout,omitempty"`
	Track  *readTrackJSON `json:"track,omitempty"`
}

type infoSession struct {
	Start    uint32 `json:"start"`
	Blocks   uint32 `json:"blocks"`
	VolumeID string `json:"volume_id"`
}

func newInfoCmd() *cobra.Command {
	f := &infoFlags{}
	c := &cobra.Command{
		Use:   "info IMAGE",
		Short: "Show an ISO 9660 image's volume descriptors, extensions and boot entries (like isoinfo -d)",
		Long: `Show what an ISO 9660 image's volume descriptors record: the descriptor
set (primary, boot record, supplementary and Joliet, enhanced, partition,
terminator, each with its block), system, volume,
volume set, publisher, preparer and application identifiers, the copyright,
abstract and bibliographic files, the four volume dates, sizes; which
extensions it carries (Rock Ridge and its version, Joliet and its level);
its El Torito boot catalog entries; and the sessions of an image that grew
by appended sessions (xorriso, "spindle grow"), as "xorriso -toc" lists them.

` + sheetHelp + `
The layout's sessions and tracks are shown first, and the track read.

` + exitCodesHelp,
		Example: `  spindle info backup.iso
  spindle info --json boot.iso | jq .boot_catalog
  spindle info cdextra.cue`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error { return runInfo(c, f, args[0]) },
	}
	f.imageFlags.add(c)
	c.Flags().BoolVar(&f.asJSON, "json", false, "print JSON")
	return c
}

func runInfo(c *cobra.Command, f *infoFlags, name string) error {
	im, src, err := openImage(name, &f.imageFlags)
	var nd *noDataTrackError
	if errors.As(err, &nd) {
		// An audio disc's sheet: its layout is all there is to say.
		if err := reportNoDataTrack(c.OutOrStdout(), nd, f.asJSON); err != nil {
			return outputError{err}
		}
		return nil
	}
	if err != nil {
		return err
	}
	defer src.Close()
	r := infoReport{Image: name, Size: src.size, Volume: im.Volume(), Displacement: f.displacement}
	if f.detected > 0 {
		r.Displacement = f.detected
	}
	li := src.li
	if li != nil {
		r.Layout, r.Track, r.Displacement = li.layoutJSON(), li.trackJSON(), li.displacement
	}
	v := &r.Volume
	if f.session == 0 && f.displacement == 0 && li == nil {
		if ss, err := iso9660.Sessions(src.r, src.size); err == nil {
			for _, s := range ss {
				r.Sessions = append(r.Sessions, infoSession{s.Start, s.Blocks, s.VolumeID})
			}
		}
	}
	if v.ElTorito {
		// The catalog's recorded address is relative to the disc; the
		// session and displacement options say where that is in the file.
		off := (int64(v.BootCatalog) - r.Displacement) * iso9660.BlockSize
		buf := make([]byte, iso9660.BlockSize)
		if _, err := src.r.ReadAt(buf, off); err != nil && err != io.EOF {
			r.BootError = fmt.Sprintf("reading block %d: %v", v.BootCatalog, err)
		} else if cat, err := eltorito.Parse(buf); err != nil {
			r.BootError = err.Error()
		} else {
			r.Boot = cat
		}
	}
	out := c.OutOrStdout()
	if f.asJSON {
		return writeJSON(out, r)
	}
	w := &fieldWriter{w: out}
	w.field("Image", name)
	if li != nil {
		li.writeLayoutText(w)
		w.field("Track data size", fmt.Sprintf("%d bytes", r.Size))
	} else {
		w.field("Image size", fmt.Sprintf("%d bytes", r.Size))
	}
	if f.detected > 0 {
		w.field("Displacement", fmt.Sprintf("%d blocks: recorded addresses count from block %d before this image (a later session's track); \"spindle relocate\" makes it stand alone", f.detected, f.detected))
	}
	if v.HighSierra {
		w.field("Format", "High Sierra")
	} else {
		w.field("Format", "ISO 9660 (ECMA-119)")
	}
	w.field("System id", v.SystemID)
	w.field("Volume id", v.VolumeID)
	w.field("Volume set id", v.VolumeSetID)
	w.field("Publisher id", v.Publisher)
	w.field("Data preparer id", v.Preparer)
	w.field("Application id", v.Application)
	w.field("Copyright file id", v.CopyrightFile)
	w.field("Abstract file id", v.AbstractFile)
	w.field("Bibliographic file id", v.BibliographicFile)
	w.field("Creation date", volDate(v.Created))
	w.field("Modification date", volDate(v.Modified))
	w.field("Expiration date", volDate(v.Expiration))
	w.field("Effective date", volDate(v.Effective))
	w.field("Volume set size", fmt.Sprint(v.VolumeSetSize))
	w.field("Volume sequence number", fmt.Sprint(v.VolumeSequenceNumber))
	w.field("Logical block size", fmt.Sprint(v.LogicalBlockSize))
	w.field("Volume size", fmt.Sprintf("%d blocks (%d bytes)", v.VolumeSpaceSize, int64(v.VolumeSpaceSize)*int64(v.LogicalBlockSize)))
	w.field("Path table size", fmt.Sprintf("%d bytes", v.PathTableSize))
	for _, d := range v.Set {
		w.field(fmt.Sprintf("Descriptor at block %d", d.Block), d.Kind)
	}
	if v.RockRidge {
		w.field("Rock Ridge", fmt.Sprintf("yes (RRIP %s)", rrVersion(v.RockRidgeVersion)))
	} else {
		w.field("Rock Ridge", "no")
	}
	for _, e := range v.Extensions {
		w.field("Extension", fmt.Sprintf("%s version %d", e.ID, e.Version))
	}
	if v.Joliet > 0 {
		w.field("Joliet", fmt.Sprintf("yes (UCS-2 level %d), volume id %q", v.Joliet, v.JolietVolumeID))
	} else {
		w.field("Joliet", "no")
	}
	w.field("Names shown by ls", v.Names.String())
	if len(r.Sessions) > 0 {
		w.field("Sessions", fmt.Sprint(len(r.Sessions)))
		for i, s := range r.Sessions {
			w.field(fmt.Sprintf("Session %d", i+1), fmt.Sprintf("start block %d, %d blocks, volume id %q", s.Start, s.Blocks, s.VolumeID))
		}
	}
	if !v.ElTorito {
		w.field("El Torito", "no")
		return w.err
	}
	w.field("El Torito", fmt.Sprintf("boot catalog at block %d", v.BootCatalog))
	if r.BootError != "" {
		w.field("Boot catalog", "unreadable: "+r.BootError)
		return w.err
	}
	for i, e := range r.Boot.Entries {
		boot := "bootable"
		if !e.Bootable {
			boot = "not bootable"
		}
		seg := fmt.Sprintf("%#x", e.LoadSegment)
		if e.LoadSegment == 0 {
			seg = "default (0x7c0)"
		}
		w.field(fmt.Sprintf("Boot entry %d", i+1), fmt.Sprintf("%s, %s, %s, load segment %s, system type %#x, %d sectors at block %d",
			e.Platform, e.Emulation, boot, seg, e.SystemType, e.SectorCount, e.LoadRBA))
	}
	return w.err
}

func rrVersion(v iso9660.RRVersion) string {
	if v == iso9660.RRIP110 {
		return "1.10"
	}
	return "1.12"
}

func volDate(t time.Time) string {
	if t.IsZero() {
		return "not set"
	}
	return t.Format("2006-01-02 15:04:05.00 -07:00")
}

// fieldWriter prints "Name: value" lines, remembering the first error.
type fieldWriter struct {
	w   io.Writer
	err error
}

func (f *fieldWriter) field(name, value string) {
	if f.err != nil {
		return
	}
	_, f.err = fmt.Fprintf(f.w, "%-23s %s\n", name+":", strings.TrimSpace(value))
}
