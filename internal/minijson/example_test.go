package minijson_test

import (
	"fmt"
	"os"

	"spindle/internal/minijson"
)

func Example() {
	type track struct {
		Number int    `json:"number"`
		Title  string `json:"title,omitempty"`
	}
	enc := minijson.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode([]track{{Number: 1, Title: "Intro <live>"}, {Number: 2}})

	var back []track
	err := minijson.Unmarshal([]byte(`[{"number":3,"title":"Outro"}]`), &back)
	fmt.Println(back, err)
	// Output:
	// [
	//   {
	//     "number": 1,
	//     "title": "Intro \u003clive\u003e"
	//   },
	//   {
	//     "number": 2
	//   }
	// ]
	// [{3 Outro}] <nil>
}
