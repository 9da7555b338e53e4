// Package reemutest starts re-actions-emulator (the Redis Software cluster
// REST API emulator) for a Go test and drives its control API.
//
//	func TestCreate(t *testing.T) {
//		emu := reemutest.Start(t) // $REEMU_BIN, else re-actions-emulator on PATH
//		emu.Fault(reemutest.Fault{Path: "/v1/bdbs", Method: "POST", Status: 503, Times: 1})
//		err := mytool.CreateDatabase(emu.HTTPSURL, emu.Client, "admin@redis.local", "Redis123!")
//		...
//		if got := emu.Statuses("POST", "/v1/bdbs"); !reflect.DeepEqual(got, []int{503, 200}) { ... }
//	}
//
// Start runs the binary on 127.0.0.1 with --http-port 0 --https-port 0
// --ports-file, returns once the server has written the ports file (every
// listener accepts by then), and stops it with SIGTERM in t.Cleanup; a
// non-zero exit status (a sanitizer's report) fails the test. Many
// emulators run side by side: each has its own ports, state and
// certificate. Client is an *http.Client that trusts that certificate.
//
// The helpers report failures through the testing.TB given to Start (call
// them from the test's goroutine). Standard library only; Go 1.19.
package reemutest

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The default configuration's admin, which the helpers authenticate as.
const (
	DefaultUser     = "admin@redis.local"
	DefaultPassword = "Redis123!"
	binaryName      = "re-actions-emulator"
)

// Options configure an emulator; the zero value is a manual clock, HTTP and
// HTTPS, the source tree's config/default.json.
type Options struct {
	// Binary is a path or name; default $REEMU_BIN, then PATH.
	Binary string
	// Config is the JSON config file; default $REEMU_CONFIG, then the
	// config/default.json of the source tree the binary sits in, then the
	// image's; else a config holding only User as admin.
	Config string
	// Clock is "manual" (default: time moves only by Advance) or "real".
	Clock string
	// NoHTTPS turns the HTTPS listener off.
	NoHTTPS bool
	// Args are extra flags, e.g. []string{"--seed", "7"}.
	Args []string
	// User and Password are the admin the helpers use (default the default
	// config's).
	User, Password string
	// StartTimeout bounds the wait for the ports file (default 20 s).
	StartTimeout time.Duration
	// LogLevel is the server's --log-level (default warn). Its standard
	// error is kept and quoted by start and stop errors.
	LogLevel string
	// Env holds extra KEY=VALUE environment entries for the process.
	Env []string
}

// Emulator is one running emulator process.
type Emulator struct {
	// URL is http://127.0.0.1:PORT; HTTPSURL https://127.0.0.1:PORT ("" without HTTPS).
	URL, HTTPSURL string
	// Ports are the listeners' ports by name ("http", "https").
	Ports map[string]int
	// PID is the server's process id.
	PID int
	// TLSSHA256 is the served certificate's DER SHA-256 in lowercase hex.
	TLSSHA256 string
	// CertFile is the served certificate as PEM, for tools that take a file.
	CertFile string
	// Client trusts the emulator's certificate (and only it) over HTTPS.
	Client *http.Client
	// User and Password authenticate the helpers and NewRequest.
	User, Password string

	t       testing.TB
	cmd     *exec.Cmd
	dir     string
	stderr  *os.File
	exited  chan struct{}
	waitErr error
	stopMu  sync.Mutex
	stopped bool
}

// portsFile is the document --ports-file writes (format 1).
type portsFile struct {
	Format    int               `json:"format"`
	PID       int               `json:"pid"`
	Ports     map[string]int    `json:"ports"`
	URLs      map[string]string `json:"urls"`
	TLSSHA256 string            `json:"tls_sha256"`
}

// Start starts an emulator for the test and stops it in t.Cleanup. It fails
// the test (with the process's standard error) if the binary is missing,
// exits, or writes no ports file in time.
func Start(t testing.TB, opts ...Options) *Emulator {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	e, err := New(o)
	if err != nil {
		t.Fatalf("reemutest: %v", err)
	}
	e.t = t
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("reemutest: %v", err)
		}
	})
	return e
}

// Attach drives an emulator someone else started (a CI service container,
// a shared dev stack): the same helpers, nothing to stop. httpsURL and
// certFile (the PEM it serves, --tls-cert-out) may be empty; without
// certFile, HTTPS uses the system's roots.
func Attach(t testing.TB, httpURL, httpsURL, certFile string) *Emulator {
	t.Helper()
	e := &Emulator{URL: strings.TrimRight(httpURL, "/"), HTTPSURL: strings.TrimRight(httpsURL, "/"),
		CertFile: certFile, User: DefaultUser, Password: DefaultPassword, t: t, stopped: true}
	transport := &http.Transport{MaxIdleConnsPerHost: 8}
	if certFile != "" {
		raw, err := os.ReadFile(certFile)
		if err != nil {
			t.Fatalf("reemutest: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(raw) {
			t.Fatalf("reemutest: %s holds no PEM certificate", certFile)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	e.Client = &http.Client{Transport: transport, Timeout: 60 * time.Second}
	t.Cleanup(transport.CloseIdleConnections)
	return e
}

// StartOrAttach attaches to the emulator $REEMU_URL names (with
// $REEMU_HTTPS_URL, $REEMU_CA_FILE, $REEMU_USER, $REEMU_PASSWORD), as the
// CI recipes in examples/ci set them, and starts one otherwise.
func StartOrAttach(t testing.TB, opts ...Options) *Emulator {
	t.Helper()
	url := os.Getenv("REEMU_URL")
	if url == "" {
		return Start(t, opts...)
	}
	e := Attach(t, url, os.Getenv("REEMU_HTTPS_URL"), os.Getenv("REEMU_CA_FILE"))
	if user := os.Getenv("REEMU_USER"); user != "" {
		e.User, e.Password = user, os.Getenv("REEMU_PASSWORD")
	}
	return e
}

// New starts an emulator outside a test's life cycle (TestMain, a
// benchmark's setup); the caller must Close it. Its helpers panic on
// failure instead of failing a test.
func New(o Options) (*Emulator, error) {
	bin, err := FindBinary(o.Binary)
	if err != nil {
		return nil, err
	}
	for _, flag := range []string{"--bind", "--http-port", "--https-port", "--ports-file", "--tls-cert-out", "--no-https"} {
		if hasFlag(o.Args, flag) {
			return nil, fmt.Errorf("%s is the kit's to set (use Options.NoHTTPS, or read Ports and URL)", flag)
		}
	}
	if o.Clock == "" {
		o.Clock = "manual"
	}
	if o.User == "" {
		o.User, o.Password = DefaultUser, DefaultPassword
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = 20 * time.Second
	}
	if o.LogLevel == "" {
		o.LogLevel = "warn"
	}
	dir, err := os.MkdirTemp("", "reemu-")
	if err != nil {
		return nil, err
	}
	e := &Emulator{User: o.User, Password: o.Password, dir: dir, exited: make(chan struct{})}
	fail := func(err error) (*Emulator, error) {
		e.kill()
		os.RemoveAll(dir)
		return nil, err
	}
	portsPath := filepath.Join(dir, "ports.json")
	args := []string{"--bind", "127.0.0.1", "--http-port", "0", "--ports-file", portsPath}
	// A flag given in Args wins (the server refuses one given twice).
	if !hasFlag(o.Args, "--clock") {
		args = append(args, "--clock", o.Clock)
	}
	if !hasFlag(o.Args, "--log-level") {
		args = append(args, "--log-level", o.LogLevel)
	}
	if o.NoHTTPS {
		args = append(args, "--no-https")
	} else {
		e.CertFile = filepath.Join(dir, "cert.pem")
		args = append(args, "--https-port", "0", "--tls-cert-out", e.CertFile)
	}
	config := o.Config
	if config == "" {
		config = lookupEnv(o.Env, "REEMU_CONFIG")
	}
	if config == "" {
		config = findConfig(bin)
	}
	if config == "" {
		// Nothing to seed from: only the admin the helpers authenticate as.
		config = filepath.Join(dir, "config.json")
		doc, _ := json.Marshal(map[string]any{"users": []map[string]string{
			{"email": o.User, "password": o.Password, "role": "admin"}}})
		if err := os.WriteFile(config, doc, 0o600); err != nil {
			return fail(err)
		}
	}
	if !hasFlag(o.Args, "--config") && !hasFlag(o.Args, "-c") {
		args = append(args, "--config", config)
	}
	args = append(args, o.Args...)

	if e.stderr, err = os.Create(filepath.Join(dir, "stderr.log")); err != nil {
		return fail(err)
	}
	e.cmd = exec.Command(bin, args...)
	e.cmd.Env = append(os.Environ(), o.Env...)
	e.cmd.Stdout, e.cmd.Stderr = e.stderr, e.stderr
	if err := e.cmd.Start(); err != nil {
		e.cmd = nil
		return fail(fmt.Errorf("cannot run %s: %w", bin, err))
	}
	go func() {
		e.waitErr = e.cmd.Wait()
		close(e.exited)
	}()

	// The server renames the file into place once every listener accepts:
	// it is complete as soon as it exists.
	deadline := time.Now().Add(o.StartTimeout)
	for {
		if _, err := os.Stat(portsPath); err == nil {
			break
		}
		select {
		case <-e.exited:
			return fail(fmt.Errorf("%s exited (%v) before it was ready:\n%s", bin, e.waitErr, e.Stderr()))
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			log := e.Stderr()
			return fail(fmt.Errorf("%s wrote no ports file within %v:\n%s", bin, o.StartTimeout, log))
		}
	}
	raw, err := os.ReadFile(portsPath)
	if err != nil {
		return fail(err)
	}
	var pf portsFile
	if err := json.Unmarshal(raw, &pf); err != nil || pf.Format != 1 {
		return fail(fmt.Errorf("ports file %s: unreadable or not format 1: %s", portsPath, raw))
	}
	if pf.PID != e.cmd.Process.Pid {
		return fail(fmt.Errorf("ports file %s names pid %d, not %d", portsPath, pf.PID, e.cmd.Process.Pid))
	}
	e.URL, e.HTTPSURL, e.Ports, e.PID, e.TLSSHA256 = pf.URLs["http"], pf.URLs["https"], pf.Ports, pf.PID, pf.TLSSHA256
	transport := &http.Transport{MaxIdleConnsPerHost: 8}
	if !o.NoHTTPS {
		pool, err := trustOnly(e.CertFile, e.TLSSHA256)
		if err != nil {
			return fail(err)
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	e.Client = &http.Client{Transport: transport, Timeout: 60 * time.Second}
	return e, nil
}

// trustOnly is a pool holding the PEM certificate the server wrote, checked
// against the ports file's fingerprint so a stale file cannot slip in.
func trustOnly(certFile, sha string) (*x509.CertPool, error) {
	raw, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s holds no PEM certificate", certFile)
	}
	sum := sha256.Sum256(block.Bytes)
	if got := hex.EncodeToString(sum[:]); got != sha {
		return nil, fmt.Errorf("%s (sha256 %s) is not the certificate of the ports file (%q)", certFile, got, sha)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool, nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// FindBinary resolves the emulator binary: name, else $REEMU_BIN, else
// re-actions-emulator on PATH.
func FindBinary(name string) (string, error) {
	if name == "" {
		name = os.Getenv("REEMU_BIN")
	}
	if name == "" {
		path, err := exec.LookPath(binaryName)
		if err != nil {
			return "", fmt.Errorf("no emulator binary: set Options.Binary or REEMU_BIN, or put %s on PATH", binaryName)
		}
		return path, nil
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("emulator binary %q is not an executable file", name)
	}
	return filepath.Abs(path)
}

// findConfig is config/default.json of the source tree the binary was built
// in (build/<preset>/re-actions-emulator), or the image's config.
func findConfig(bin string) string {
	// Not through symlinks: a link placed elsewhere names its own tree.
	dir := filepath.Dir(bin)
	for i := 0; i < 3; i++ {
		candidate := filepath.Join(dir, "config", "default.json")
		if _, err := os.Stat(candidate); err == nil {
			return candidate
		}
		dir = filepath.Dir(dir)
	}
	if _, err := os.Stat("/etc/re-actions-emulator/config.json"); err == nil {
		return "/etc/re-actions-emulator/config.json"
	}
	return ""
}

// lookupEnv reads KEY from the extra entries, then from the environment
// (the last entry wins, as exec does).
func lookupEnv(extra []string, key string) string {
	value, found := os.LookupEnv(key)
	for _, kv := range extra {
		if strings.HasPrefix(kv, key+"=") {
			value, found = kv[len(key)+1:], true
		}
	}
	if !found {
		return ""
	}
	return value
}

// Stderr returns the last 8000 bytes the process wrote to its standard error.
func (e *Emulator) Stderr() string {
	if e.stderr == nil {
		return ""
	}
	raw, _ := os.ReadFile(e.stderr.Name())
	if len(raw) > 8000 {
		raw = raw[len(raw)-8000:]
	}
	return string(raw)
}

func (e *Emulator) kill() {
	if e.cmd != nil && e.cmd.Process != nil {
		select {
		case <-e.exited:
		default:
			_ = e.cmd.Process.Kill()
			<-e.exited
		}
	}
	if e.stderr != nil {
		e.stderr.Close()
	}
}

// Close stops the process with SIGTERM (SIGKILL after 30 s) and removes its
// files. It returns an error quoting its standard error when it exited with
// a non-zero status. Idempotent; Start's cleanup calls it; a no-op on an
// attached emulator.
func (e *Emulator) Close() error {
	e.stopMu.Lock()
	defer e.stopMu.Unlock()
	if e.stopped {
		return nil
	}
	e.stopped = true
	if c, ok := e.Client.Transport.(*http.Transport); ok {
		c.CloseIdleConnections()
	}
	_ = e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.exited:
	case <-time.After(30 * time.Second):
		_ = e.cmd.Process.Kill()
		<-e.exited
	}
	log := e.Stderr()
	e.stderr.Close()
	os.RemoveAll(e.dir)
	if e.waitErr != nil {
		return fmt.Errorf("the emulator exited with %v:\n%s", e.waitErr, log)
	}
	return nil
}

// ---- raw HTTP ---------------------------------------------------------------

// NewRequest builds a request to the HTTP listener with the admin's Basic
// credentials; body is a JSON value (sent as application/json), []byte, or
// nil. Send it with e.Client (or any client: it is plain HTTP).
func (e *Emulator) NewRequest(method, path string, body any) (*http.Request, error) {
	return e.newRequest(e.URL, method, path, body)
}

func (e *Emulator) newRequest(base, method, path string, body any) (*http.Request, error) {
	var reader io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case []byte:
		reader = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		reader, isJSON = bytes.NewReader(raw), true
	}
	req, err := http.NewRequest(method, base+path, reader)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(e.User, e.Password)
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r *Response) JSON(v any) error { return json.Unmarshal(r.Body, v) }

// Do sends method path (over HTTPS when https) as the admin and reads the
// whole answer, whatever its status; the error is the transport's (a
// dropped connection, for instance).
func (e *Emulator) Do(method, path string, body any, https bool) (*Response, error) {
	base := e.URL
	if https {
		base = e.HTTPSURL
	}
	req, err := e.newRequest(base, method, path, body)
	if err != nil {
		return nil, err
	}
	answer, err := e.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer answer.Body.Close()
	raw, err := io.ReadAll(answer.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: answer.StatusCode, Header: answer.Header, Body: raw}, nil
}

// Request is Do over HTTP that fails the test on a transport error.
func (e *Emulator) Request(method, path string, body any) *Response {
	if e.t != nil {
		e.t.Helper()
	}
	r, err := e.Do(method, path, body, false)
	e.must(err)
	return r
}

// ControlError is a control-API answer with an unexpected status.
type ControlError struct {
	Method, Path string
	Status       int
	ErrorCode    string `json:"error_code"`
	Description  string `json:"description"`
	Body         []byte
}

func (c *ControlError) Error() string {
	return fmt.Sprintf("%s %s answered %d: %s (%s)", c.Method, c.Path, c.Status, c.ErrorCode, c.Description)
}

// Control calls a control-API route (path relative to /emulator/v1, or
// absolute) and decodes its JSON answer into out (nil: ignored). A status
// outside 2xx is a *ControlError.
func (e *Emulator) Control(method, path string, body, out any) error {
	if !strings.HasPrefix(path, "/") {
		path = "/emulator/v1/" + path
	}
	r, err := e.Do(method, path, body, false)
	if err != nil {
		return err
	}
	if r.Status < 200 || r.Status > 299 {
		ce := &ControlError{Method: method, Path: path, Status: r.Status, Body: r.Body}
		_ = json.Unmarshal(r.Body, ce)
		return ce
	}
	if out != nil && len(r.Body) > 0 {
		return json.Unmarshal(r.Body, out)
	}
	return nil
}

func (e *Emulator) must(err error) {
	if err == nil {
		return
	}
	if e.t == nil {
		panic(err)
	}
	e.t.Helper()
	e.t.Fatalf("reemutest: %v", err)
}

func (e *Emulator) control(method, path string, body, out any) {
	if e.t != nil {
		e.t.Helper()
	}
	e.must(e.Control(method, path, body, out))
}

// ---- helpers ----------------------------------------------------------------

// Health is true when GET /emulator/v1/health answers 200.
func (e *Emulator) Health() bool {
	r, err := http.Get(e.URL + "/emulator/v1/health")
	if err != nil {
		return false
	}
	r.Body.Close()
	return r.StatusCode == 200
}

// Reset puts actions, users, databases, plans, faults, the manual clock and
// the journal back to the configured seed; returns the counts it answers.
func (e *Emulator) Reset() map[string]any {
	var out map[string]any
	e.control("POST", "reset", nil, &out)
	return out
}

// Clock is the emulator's clock.
type Clock struct {
	Mode string  `json:"mode"`
	Now  float64 `json:"now"`
}

// Clock reads the clock.
func (e *Emulator) Clock() Clock {
	var c Clock
	e.control("GET", "clock", nil, &c)
	return c
}

// Now is the emulator's clock in epoch seconds.
func (e *Emulator) Now() float64 { return e.Clock().Now }

// Advance moves a manual clock forward and returns the new now.
func (e *Emulator) Advance(seconds float64) float64 {
	var c Clock
	e.control("POST", "clock/advance", map[string]any{"seconds": seconds}, &c)
	return c.Now
}

// FastClock advances the manual clock by step seconds every `every` in the
// background until the returned stop is called, so code under test that
// sleeps between polls sees time pass quickly. stop returns the first
// error the pump met.
func (e *Emulator) FastClock(step float64, every time.Duration) (stop func() error) {
	done, finished := make(chan struct{}), make(chan error, 1)
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				finished <- nil
				return
			case <-tick.C:
				if err := e.Control("POST", "clock/advance", map[string]any{"seconds": step}, nil); err != nil {
					<-done
					finished <- err
					return
				}
			}
		}
	}()
	var once sync.Once
	var result error
	return func() error {
		once.Do(func() { close(done); result = <-finished })
		return result
	}
}

// Plan is a rule that shapes the next state machines the emulated routes
// start (a simulate block over their template).
type Plan struct {
	Name       string         `json:"name,omitempty"`
	ObjectName string         `json:"object_name,omitempty"`
	Times      int            `json:"times,omitempty"`
	Simulate   map[string]any `json:"simulate"`
}

// AddPlan adds a plan rule and returns it as stored (with its "id").
func (e *Emulator) AddPlan(p Plan) map[string]any {
	if p.Simulate == nil {
		p.Simulate = map[string]any{}
	}
	var out map[string]any
	e.control("POST", "plans", p, &out)
	return out
}

// Fault is a fault rule on the emulated API: at least one of Status,
// DelayMS, Drop.
type Fault struct {
	Path        string  `json:"path"`
	Method      string  `json:"method,omitempty"`
	User        string  `json:"user,omitempty"`
	Status      int     `json:"status,omitempty"`
	ErrorCode   string  `json:"error_code,omitempty"`
	Description string  `json:"description,omitempty"`
	DelayMS     int     `json:"delay_ms,omitempty"`
	Drop        bool    `json:"drop,omitempty"`
	Times       int     `json:"times,omitempty"`
	Probability float64 `json:"probability,omitempty"`
}

// AddFault adds a fault rule and returns its id.
func (e *Emulator) AddFault(f Fault) int {
	var out struct {
		ID int `json:"id"`
	}
	e.control("POST", "faults", f, &out)
	return out.ID
}

// ClearFaults removes every fault rule.
func (e *Emulator) ClearFaults() { e.control("DELETE", "faults", nil, nil) }

// JournalEntry is one request the emulator received.
type JournalEntry struct {
	Seq        int     `json:"seq"`
	Time       float64 `json:"time"`
	Method     string  `json:"method"`
	Target     string  `json:"target"`
	User       string  `json:"user"`
	Status     int     `json:"status"` // 0: a fault dropped the connection
	DurationUS int     `json:"duration_us"`
	Fault      int     `json:"fault"` // the rule that answered; 0: none
	Dropped    bool    `json:"dropped"`
}

// Path is the target without its query.
func (j JournalEntry) Path() string { return strings.SplitN(j.Target, "?", 2)[0] }

// JournalQuery filters the journal; zero fields do not filter. Path may be a
// glob (* matches any run, / included).
type JournalQuery struct {
	Method, Path, User string
	Status, Limit      int
	After              int
}

// Requests reads the journal, oldest first.
func (e *Emulator) Requests(q JournalQuery) []JournalEntry {
	params := url.Values{}
	for k, v := range map[string]string{"method": q.Method, "path": q.Path, "user": q.User} {
		if v != "" {
			params.Set(k, v)
		}
	}
	for k, v := range map[string]int{"status": q.Status, "limit": q.Limit, "after": q.After} {
		if v != 0 {
			params.Set(k, strconv.Itoa(v))
		}
	}
	path := "requests"
	if len(params) > 0 {
		path += "?" + params.Encode()
	}
	var out struct {
		Requests []JournalEntry `json:"requests"`
	}
	e.control("GET", path, nil, &out)
	return out.Requests
}

// Statuses are the statuses answered to method path (exact or glob) on the
// emulated API, oldest first: the journal assertion most tests need.
func (e *Emulator) Statuses(method, path string) []int {
	statuses := []int{}
	for _, r := range e.Requests(JournalQuery{Method: method, Path: path}) {
		statuses = append(statuses, r.Status)
	}
	return statuses
}

// Databases are the uids of the databases the cluster holds.
func (e *Emulator) Databases() []int {
	var out struct {
		Databases []int `json:"databases"`
	}
	e.control("GET", "databases", nil, &out)
	return out.Databases
}

// Database is what the emulator keeps and derives for one database.
func (e *Emulator) Database(uid int) map[string]any {
	var out map[string]any
	e.control("GET", fmt.Sprintf("databases/%d", uid), nil, &out)
	return out
}

// Action is GET /v1/actions/{uid} as a tool sees it; nil when it answers 404.
func (e *Emulator) Action(uid string) map[string]any {
	if e.t != nil {
		e.t.Helper()
	}
	r := e.Request("GET", "/v1/actions/"+uid, nil)
	if r.Status == 404 {
		return nil
	}
	var out map[string]any
	if r.Status != 200 {
		e.must(&ControlError{Method: "GET", Path: "/v1/actions/" + uid, Status: r.Status, Body: r.Body})
	}
	e.must(r.JSON(&out))
	return out
}

// Gone is the status WaitForAction accepts for "answers 404 now".
const Gone = "gone"

// ErrActionEnded is wrapped by WaitForAction's error when the action ended
// in another status than the one asked, or vanished.
var ErrActionEnded = errors.New("action ended otherwise")

// ErrActionTimeout is wrapped by WaitForAction's error when time ran out.
var ErrActionTimeout = errors.New("action did not reach the status in time")

// ActionError carries the last body seen (nil after a 404).
type ActionError struct {
	UID    string
	Action map[string]any
	err    error
	msg    string
}

func (a *ActionError) Error() string { return a.msg }
func (a *ActionError) Unwrap() error { return a.err }

var terminal = map[string]bool{"completed": true, "failed": true, "cancelled": true, "aborted": true}

// WaitForAction polls action uid until its status is one of statuses
// (Gone for a 404) and returns its body (nil for Gone). On a manual clock
// each poll advances the clock 1 s and timeout counts emulated seconds; on
// a real clock it polls every 20 ms for timeout wall seconds. The error is
// an *ActionError wrapping ErrActionEnded or ErrActionTimeout.
func (e *Emulator) WaitForAction(uid string, timeout float64, statuses ...string) (map[string]any, error) {
	if e.t != nil {
		e.t.Helper()
	}
	if len(statuses) == 0 {
		statuses = []string{"completed"}
	}
	wanted := map[string]bool{}
	for _, s := range statuses {
		wanted[s] = true
	}
	manual := e.Clock().Mode == "manual"
	start, waited := time.Now(), 0.0
	var last map[string]any
	for {
		current := e.Action(uid)
		if current == nil {
			if wanted[Gone] {
				return nil, nil
			}
			return nil, &ActionError{uid, last, ErrActionEnded,
				fmt.Sprintf("action %s answers 404 (last seen %v), waiting for %v", uid, last["status"], statuses)}
		}
		last = current
		status, _ := current["status"].(string)
		if wanted[status] {
			return current, nil
		}
		if terminal[status] {
			detail, _ := current["error"].(string)
			if detail == "" {
				detail, _ = current["error_message"].(string)
			}
			return current, &ActionError{uid, current, ErrActionEnded,
				fmt.Sprintf("action %s ended %s: %s, waiting for %v", uid, status, detail, statuses)}
		}
		if manual {
			if waited >= timeout {
				break
			}
			e.Advance(1)
			waited++
		} else {
			if time.Since(start).Seconds() >= timeout {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return last, &ActionError{uid, last, ErrActionTimeout,
		fmt.Sprintf("action %s is still %v after %v seconds, waiting for %v", uid, last["status"], timeout, statuses)}
}

// Snapshot is the whole emulated state (GET /emulator/v1/state), for
// Restore later.
func (e *Emulator) Snapshot() json.RawMessage {
	var out json.RawMessage
	e.control("GET", "state", nil, &out)
	return out
}

// Restore replaces the whole state with a snapshot (PUT /emulator/v1/state);
// a bad document is a *ControlError (400) and changes nothing.
func (e *Emulator) Restore(state json.RawMessage) error {
	return e.Control("PUT", "state", state, nil) // a RawMessage marshals as itself, sent as JSON
}
