package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newIsosizeCmd() *cobra.Command {
	var f imageFlags
	var sectors, asJSON bool
	c := &cobra.Command{
		Use:   "isosize IMAGE|DEVICE",
		Short: "Print the size of the ISO 9660 file system in an image or on a device (like isosize)",
		Long: `Print the size in bytes of the ISO 9660 file system that an image file or
a device holds, from its primary volume descriptor (volume space size times
logical block size) — what isosize prints. With -x, print the sector count
and sector size instead, as isosize -x does. The file may be longer (padding)
or shorter (truncated); "spindle identify" says which.

` + sheetHelp + `
The size is the one the volume records: for a later session it counts from
the start of the disc, as isosize prints it for the disc in a drive.

` + exitCodesHelp,
		Example: `  spindle isosize disc.iso
  dd if=/dev/sr0 of=disc.iso bs=2048 count=$(( $(spindle isosize /dev/sr0) / 2048 ))`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			im, src, err := openImage(args[0], &f)
			if err != nil {
				return err
			}
			defer src.Close()
			v := im.Volume()
			if asJSON {
				return writeJSON(c.OutOrStdout(), struct {
					Bytes      int64  `json:"bytes"`
					Sectors    uint32 `json:"sectors"`
					SectorSize uint16 `json:"sector_size"`
				}{int64(v.VolumeSpaceSize) * int64(v.LogicalBlockSize), v.VolumeSpaceSize, v.LogicalBlockSize})
			}
			if sectors {
				_, err = fmt.Fprintf(c.OutOrStdout(), "sector count: %d, sector size: %d\n", v.VolumeSpaceSize, v.LogicalBlockSize)
				return err
			}
			_, err = fmt.Fprintln(c.OutOrStdout(), int64(v.VolumeSpaceSize)*int64(v.LogicalBlockSize))
			return err
		},
	}
	f.add(c)
	c.Flags().BoolVarP(&sectors, "sectors", "x", false, "print sector count and sector size")
	c.Flags().BoolVar(&asJSON, "json", false, "print bytes, sectors and sector_size as JSON")
	return c
}
