package reemutest_test

// The kit against the real binary ($REEMU_BIN, else PATH):
//
//	cd clients/go && REEMU_BIN=$PWD/../../build/dev/re-actions-emulator go test ./...

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"reemu.test/reemutest"
)

var seedDatabases = []int{1, 2}

func TestStartServesHTTPAndVerifiedHTTPSOnEphemeralPorts(t *testing.T) {
	emu := reemutest.Start(t)
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+$`).MatchString(emu.URL) ||
		!regexp.MustCompile(`^https://127\.0\.0\.1:\d+$`).MatchString(emu.HTTPSURL) {
		t.Fatalf("URLs %q %q", emu.URL, emu.HTTPSURL)
	}
	if emu.Ports["http"] == emu.Ports["https"] || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(emu.TLSSHA256) {
		t.Fatalf("ports %v, fingerprint %q", emu.Ports, emu.TLSSHA256)
	}
	if !emu.Health() {
		t.Fatal("health check failed")
	}
	r, err := emu.Do("GET", "/v1/cluster", nil, true)
	if err != nil || r.Status != 200 {
		t.Fatalf("GET /v1/cluster over HTTPS: %v %v", r, err)
	}
	// A client that does not trust the certificate is refused.
	_, err = http.Get(emu.HTTPSURL + "/emulator/v1/health")
	var unknown x509.UnknownAuthorityError
	if !errors.As(err, &unknown) {
		t.Fatalf("the default client should not trust the emulator: %v", err)
	}
	var bdbs []map[string]any
	if err := emu.Request("GET", "/v1/bdbs", nil).JSON(&bdbs); err != nil || len(bdbs) != 2 {
		t.Fatalf("seed databases: %v %v", bdbs, err)
	}
}

func TestResetClockFaultsAndJournal(t *testing.T) {
	emu := reemutest.Start(t)
	start := emu.Now()
	if now := emu.Advance(2.5); now != start+2.5 {
		t.Fatalf("advance: %v, want %v", now, start+2.5)
	}
	rule := emu.AddFault(reemutest.Fault{Path: "/v1/bdbs", Method: "GET", Status: 503, Times: 2, ErrorCode: "cluster_busy"})
	got := []int{}
	for i := 0; i < 3; i++ {
		got = append(got, emu.Request("GET", "/v1/bdbs", nil).Status)
	}
	if want := []int{503, 503, 200}; !reflect.DeepEqual(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	entries := emu.Requests(reemutest.JournalQuery{Method: "GET", Path: "/v1/bdbs"})
	if len(entries) != 3 || entries[0].Fault != rule || entries[2].Fault != 0 || entries[2].User != reemutest.DefaultUser {
		t.Fatalf("journal %+v", entries)
	}
	if got := emu.Statuses("GET", "/v1/*"); !reflect.DeepEqual(got, []int{503, 503, 200}) {
		t.Fatalf("glob statuses %v", got)
	}
	// Every time: net/http retries a GET once on a reused connection.
	emu.AddFault(reemutest.Fault{Path: "/v1/nodes", Drop: true})
	if _, err := emu.Do("GET", "/v1/nodes", nil, false); err == nil {
		t.Fatal("a dropped connection should be a transport error")
	}
	emu.ClearFaults()
	dropped := emu.Requests(reemutest.JournalQuery{Path: "/v1/nodes"})
	for _, d := range dropped {
		if !d.Dropped || d.Status != 0 {
			t.Fatalf("dropped entry %+v", d)
		}
	}
	if len(dropped) == 0 {
		t.Fatal("no dropped entry in the journal")
	}
	emu.Request("POST", "/v1/bdbs", map[string]any{"name": "orders", "memory_size": 104857600})
	if got := emu.Databases(); len(got) != 3 {
		t.Fatalf("databases after a create: %v", got)
	}
	counts := emu.Reset()
	if counts["databases"] != float64(2) || emu.Now() != start || !reflect.DeepEqual(emu.Databases(), seedDatabases) {
		t.Fatalf("reset: %v, now %v, databases %v", counts, emu.Now(), emu.Databases())
	}
	if n := len(emu.Requests(reemutest.JournalQuery{Path: "/v1/*"})); n != 0 {
		t.Fatalf("the journal kept %d requests across the reset", n)
	}
}

func TestAdvanceOnARealClockIsAControlError(t *testing.T) {
	emu := reemutest.Start(t, reemutest.Options{Clock: "real", NoHTTPS: true})
	err := emu.Control("POST", "clock/advance", map[string]any{"seconds": 1}, nil)
	var ce *reemutest.ControlError
	if !errors.As(err, &ce) || ce.Status != 409 || ce.ErrorCode != "clock_not_manual" {
		t.Fatalf("got %v", err)
	}
	if emu.HTTPSURL != "" || emu.CertFile != "" {
		t.Fatalf("HTTPS without HTTPS: %q %q", emu.HTTPSURL, emu.CertFile)
	}
}

func TestWaitForActionThroughAPlanThatFailsTheCreate(t *testing.T) {
	emu := reemutest.Start(t)
	rule := emu.AddPlan(reemutest.Plan{Name: "SMCreateBDB", Times: 1,
		Simulate: map[string]any{"fail_at_step": 3, "error": "out of memory"}})
	if rule["times"] != float64(1) {
		t.Fatalf("plan %v", rule)
	}
	var bdb struct {
		UID       int    `json:"uid"`
		ActionUID string `json:"action_uid"`
	}
	create := map[string]any{"name": "doomed", "memory_size": 104857600}
	if err := emu.Request("POST", "/v1/bdbs", create).JSON(&bdb); err != nil {
		t.Fatal(err)
	}
	action, err := emu.WaitForAction(bdb.ActionUID, 60)
	if !errors.Is(err, reemutest.ErrActionEnded) || !strings.Contains(err.Error(), "ended failed: out of memory") ||
		action["state"] != "bind_endpoint" {
		t.Fatalf("wait: %v, %v", action, err)
	}
	if status := emu.Database(bdb.UID)["status"]; status != "creation-failed" {
		t.Fatalf("database status %v", status)
	}
	// The rule is used up: the next create completes, in emulated time only.
	start := emu.Now()
	if err := emu.Request("POST", "/v1/bdbs", create).JSON(&bdb); err != nil {
		t.Fatal(err)
	}
	if _, err := emu.WaitForAction(bdb.ActionUID, 60, "completed"); err != nil {
		t.Fatal(err)
	}
	if took := emu.Now() - start; took != 15 {
		t.Fatalf("the create took %v emulated seconds, want 15", took)
	}
	_, err = emu.WaitForAction("00000000-0000-4000-8000-000000000000", 5)
	if !errors.Is(err, reemutest.ErrActionEnded) {
		t.Fatalf("unknown action: %v", err)
	}
	sm := map[string]any{"type": "state-machine", "name": "SMUpdateBDB", "object_name": "bdb:1"}
	var created map[string]any
	if err := emu.Control("POST", "actions", sm, &created); err != nil {
		t.Fatal(err)
	}
	_, err = emu.WaitForAction(created["action_uid"].(string), 3)
	if !errors.Is(err, reemutest.ErrActionTimeout) {
		t.Fatalf("timeout: %v", err)
	}
}

// createAndWait is a "tool under test": it creates a database with Basic
// credentials over HTTPS, retries 503 answers, and polls the action.
func createAndWait(client *http.Client, base, user, password string, interval time.Duration) (string, error) {
	do := func(method, path, body string) (map[string]any, error) {
		for attempt := 0; ; attempt++ {
			req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
			req.SetBasicAuth(user, password)
			req.Header.Set("Content-Type", "application/json")
			r, err := client.Do(req)
			if err != nil {
				return nil, err
			}
			var out map[string]any
			err = json.NewDecoder(r.Body).Decode(&out)
			r.Body.Close()
			if r.StatusCode == 503 && attempt < 3 {
				time.Sleep(interval)
				continue
			}
			if r.StatusCode != 200 {
				return nil, fmt.Errorf("%s %s: %d %v", method, path, r.StatusCode, out)
			}
			return out, err
		}
	}
	bdb, err := do("POST", "/v1/bdbs", `{"name":"orders","memory_size":104857600}`)
	if err != nil {
		return "", err
	}
	for {
		action, err := do("GET", "/v1/actions/"+bdb["action_uid"].(string), "")
		if err != nil {
			return "", err
		}
		switch action["status"] {
		case "completed":
			return "completed", nil
		case "failed":
			return "failed: " + action["error"].(string), nil
		}
		time.Sleep(interval)
	}
}

func TestAToolUnderTestThroughSuccessFailureAnd503(t *testing.T) {
	emu := reemutest.Start(t)
	run := func() (string, error) {
		stop := emu.FastClock(1, 2*time.Millisecond)
		defer func() {
			if err := stop(); err != nil {
				t.Error(err)
			}
		}()
		return createAndWait(emu.Client, emu.HTTPSURL, reemutest.DefaultUser, reemutest.DefaultPassword, 5*time.Millisecond)
	}
	if got, err := run(); got != "completed" || err != nil {
		t.Fatalf("success path: %q %v", got, err)
	}
	emu.Reset()
	emu.AddPlan(reemutest.Plan{Name: "SMCreateBDB", Times: 1, Simulate: map[string]any{"fail_at_step": 2, "error": "no shards"}})
	if got, err := run(); got != "failed: no shards" || err != nil {
		t.Fatalf("failure path: %q %v", got, err)
	}
	emu.Reset()
	emu.AddFault(reemutest.Fault{Path: "/v1/bdbs", Method: "POST", Status: 503, Times: 2})
	if got, err := run(); got != "completed" || err != nil {
		t.Fatalf("503 path: %q %v", got, err)
	}
	if got := emu.Statuses("POST", "/v1/bdbs"); !reflect.DeepEqual(got, []int{503, 503, 200}) {
		t.Fatalf("POST statuses %v", got)
	}
	emu.Reset()
	emu.AddFault(reemutest.Fault{Path: "/v1/bdbs", Method: "POST", Status: 503})
	if _, err := run(); err == nil || !strings.Contains(err.Error(), "503") {
		t.Fatalf("lasting 503: %v", err)
	}
}

func TestManyEmulatorsStartedAtOnce(t *testing.T) {
	// New in goroutines: all start together, whatever -parallel allows.
	const count = 6
	emus := make([]*reemutest.Emulator, count)
	errs := make([]error, count)
	var wg sync.WaitGroup
	began := time.Now()
	for i := range emus {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			emus[i], errs[i] = reemutest.New(reemutest.Options{})
		}(i)
	}
	wg.Wait()
	t.Logf("%d emulators ready in %v", count, time.Since(began))
	for i, emu := range emus {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		emu := emu
		t.Cleanup(func() {
			if err := emu.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	seen := map[int]bool{}
	for i, emu := range emus {
		for _, p := range emu.Ports {
			if seen[p] {
				t.Fatalf("port %d used twice", p)
			}
			seen[p] = true
		}
		// State is per process: each gets a database of its own.
		if err := emu.Control("PUT", fmt.Sprintf("databases/%d", 100+i), map[string]any{"name": "db"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i, emu := range emus {
		if got, want := emu.Databases(), append(append([]int{}, seedDatabases...), 100+i); !reflect.DeepEqual(got, want) {
			t.Errorf("emulator %d: databases %v, want %v", i, got, want)
		}
	}
}

func TestSnapshotRestoresByteIdenticalAnswers(t *testing.T) {
	emu := reemutest.Start(t)
	emu.Request("POST", "/v1/bdbs", map[string]any{"name": "orders", "memory_size": 104857600})
	emu.Advance(5)
	snap := emu.Snapshot()
	paths := []string{"/v1/bdbs", "/v1/actions", "/emulator/v1/clock"}
	read := func() string {
		var b strings.Builder
		for _, p := range paths {
			b.Write(emu.Request("GET", p, nil).Body)
		}
		return b.String()
	}
	before := read()
	emu.Advance(30)
	emu.Request("DELETE", "/v1/bdbs/3", nil)
	if read() == before {
		t.Fatal("nothing changed after the snapshot")
	}
	if err := emu.Restore(snap); err != nil {
		t.Fatal(err)
	}
	if after := read(); after != before {
		t.Fatalf("after restore:\n%s\nwant:\n%s", after, before)
	}
	var ce *reemutest.ControlError
	if err := emu.Restore(json.RawMessage(`{"format":"nonsense"}`)); !errors.As(err, &ce) || ce.Status != 400 {
		t.Fatalf("bad snapshot: %v", err)
	}
	if read() != before {
		t.Fatal("a rejected snapshot changed the state")
	}
}

func TestStartErrorsQuoteTheServer(t *testing.T) {
	_, err := reemutest.New(reemutest.Options{Args: []string{"--no-such-flag"}})
	if err == nil || !strings.Contains(err.Error(), "before it was ready") || !strings.Contains(err.Error(), "--no-such-flag") {
		t.Fatalf("got %v", err)
	}
	_, err = reemutest.New(reemutest.Options{Binary: "/nonexistent/re-actions-emulator"})
	if err == nil || !strings.Contains(err.Error(), "is not an executable file") {
		t.Fatalf("got %v", err)
	}
}

func TestWithoutAConfigTheAdminAloneIsSeeded(t *testing.T) {
	bin, err := reemutest.FindBinary("")
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "re-actions-emulator")
	real, _ := filepath.EvalSymlinks(bin)
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	emu := reemutest.Start(t, reemutest.Options{Binary: link, User: "test@example.com", Password: "Secret123!",
		NoHTTPS: true, Env: []string{"REEMU_CONFIG="}})
	var users map[string]any
	if err := emu.Control("GET", "users", nil, &users); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(users["users"]); got != "[map[email:test@example.com role:admin]]" {
		t.Fatalf("users %s", got)
	}
}

func TestFlagsInArgsWinOverTheKitsAndItsOwnAreRefused(t *testing.T) {
	emu := reemutest.Start(t, reemutest.Options{Args: []string{"--clock", "real", "--log-level=info"}, NoHTTPS: true})
	if mode := emu.Clock().Mode; mode != "real" {
		t.Fatalf("clock %q", mode)
	}
	if _, err := reemutest.New(reemutest.Options{Args: []string{"--http-port", "8080"}}); err == nil ||
		!strings.Contains(err.Error(), "--http-port is the kit's to set") {
		t.Fatalf("got %v", err)
	}
}

// recorder is a testing.TB that keeps the cleanups and errors Start hands it.
type recorder struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Cleanup(f func())          { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

func TestANonZeroExitFailsTheTestInCleanup(t *testing.T) {
	rec := &recorder{TB: t}
	emu := reemutest.Start(rec)
	proc, err := os.FindProcess(emu.PID)
	if err != nil {
		t.Fatal(err)
	}
	if err := proc.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := len(rec.cleanups) - 1; i >= 0; i-- {
		rec.cleanups[i]()
	}
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "the emulator exited with") {
		t.Fatalf("errors %q", rec.errors)
	}
	if _, err := os.Stat(emu.CertFile); !os.IsNotExist(err) {
		t.Fatalf("the emulator's files are still there: %v", err)
	}
}

func TestStartOrAttachUsesTheEmulatorREEMU_URLNames(t *testing.T) {
	emu := reemutest.Start(t)
	t.Setenv("REEMU_URL", emu.URL+"/")
	t.Setenv("REEMU_HTTPS_URL", emu.HTTPSURL)
	t.Setenv("REEMU_CA_FILE", emu.CertFile)
	other := reemutest.StartOrAttach(t)
	if other.URL != emu.URL {
		t.Fatalf("attached to %q, want %q", other.URL, emu.URL)
	}
	other.AddFault(reemutest.Fault{Path: "/v1/cluster", Status: 503, Times: 1})
	if r := emu.Request("GET", "/v1/cluster", nil); r.Status != 503 {
		t.Fatalf("the fault went elsewhere: %d", r.Status)
	}
	if r, err := other.Do("GET", "/v1/cluster", nil, true); err != nil || r.Status != 200 {
		t.Fatalf("HTTPS through the attached client: %v %v", r, err)
	}
	if err := other.Close(); err != nil || !emu.Health() {
		t.Fatalf("closing an attached emulator: %v", err)
	}
}

func TestTheSameSeedMakesTheSameIDs(t *testing.T) {
	run := func() string {
		emu := reemutest.Start(t, reemutest.Options{Args: []string{"--ids", "seeded", "--seed", "5"}, NoHTTPS: true})
		var bdb struct {
			ActionUID string `json:"action_uid"`
		}
		if err := emu.Request("POST", "/v1/bdbs", map[string]any{"name": "orders", "memory_size": 104857600}).JSON(&bdb); err != nil {
			t.Fatal(err)
		}
		return bdb.ActionUID
	}
	if first, second := run(), run(); first != second || first == "" {
		t.Fatalf("action uids %q and %q", first, second)
	}
}
