# Shared by bin/setup, bin/odoo, bin/demo and bin/test. Source it; do not run it.
# Installs Odoo 18 the way Odoo documents a source install (source tree +
# requirements.txt + odoo-bin) into a per-user cache, so that repeated runs and
# CI on the same machine reuse it.

set -euo pipefail

REPO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE_DIR=${CLIENTELING_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/clienteling}
ODOO_HOME="$CACHE_DIR/odoo-18.0"
ODOO_NIGHTLY_URL=${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz}
PYTHON=${PYTHON:-python3}
VAR_DIR="$REPO_DIR/var"
ODOO_RC="$VAR_DIR/odoo.conf"

say() { printf '\033[1m[clienteling]\033[0m %s\n' "$*" >&2; }

die() {
  printf '\n\033[1;31m[clienteling] %s\033[0m\n\n' "$*" >&2
  exit 1
}

odoo_missing() {
  die "Odoo 18 is not available: $1
Set ODOO_SRC to an Odoo 18.0 source tree (a git checkout or an unpacked
source archive) or to a source archive (.tar.gz/.zip), then run the command again:
    ODOO_SRC=/path/to/odoo-18.0 $0
Without ODOO_SRC, the official nightly archive is downloaded from
    $ODOO_NIGHTLY_URL
(set ODOO_NIGHTLY_URL to use a mirror). Odoo is then kept in $ODOO_HOME."
}

is_odoo18_tree() {
  [ -f "$1/odoo/release.py" ] && grep -Eq '^version_info = \(18, 0' "$1/odoo/release.py"
}

# An unpacked archive holds one top-level folder: find the Odoo tree in it.
find_odoo_tree() {
  local candidate
  for candidate in "$1" "$1"/*/; do
    candidate=${candidate%/}
    if is_odoo18_tree "$candidate"; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_odoo_tree() { # $1: Odoo tree, $2: where it came from
  local staging="$ODOO_HOME.new"
  rm -rf "$staging"
  say "Copying Odoo 18 from $2 into $ODOO_HOME"
  # Hard links make the copy instant on one file system; fall back to a real copy.
  cp -al "$1" "$staging" 2>/dev/null || { rm -rf "$staging"; cp -a "$1" "$staging"; }
  printf '%s\n' "$2" >"$staging/.clienteling-origin"
  rm -rf "$ODOO_HOME"
  mv "$staging" "$ODOO_HOME"
}

install_odoo_archive() { # $1: archive file, $2: where it came from
  local unpack="$CACHE_DIR/unpack.$$" tree
  rm -rf "$unpack"
  mkdir -p "$unpack"
  case "$1" in
    *.zip) unzip -q "$1" -d "$unpack" || odoo_missing "cannot unpack $1" ;;
    *) tar -xf "$1" -C "$unpack" || odoo_missing "cannot unpack $1" ;;
  esac
  tree=$(find_odoo_tree "$unpack") || { rm -rf "$unpack"; odoo_missing "$2 holds no Odoo 18.0 source"; }
  install_odoo_tree "$tree" "$2"
  rm -rf "$unpack"
}

ensure_odoo_source() {
  mkdir -p "$CACHE_DIR"
  if [ -n "${ODOO_SRC:-}" ]; then
    local src
    src=$(realpath -e "$ODOO_SRC" 2>/dev/null) || odoo_missing "ODOO_SRC=$ODOO_SRC does not exist."
    if [ -f "$ODOO_HOME/.clienteling-origin" ] && [ "$(cat "$ODOO_HOME/.clienteling-origin")" = "$src" ] \
      && is_odoo18_tree "$ODOO_HOME"; then
      return 0
    fi
    if [ -d "$src" ]; then
      local tree
      tree=$(find_odoo_tree "$src") || odoo_missing "ODOO_SRC=$src is not an Odoo 18.0 source tree (no odoo/release.py for 18.0)."
      install_odoo_tree "$tree" "$src"
    else
      install_odoo_archive "$src" "$src"
    fi
  elif ! is_odoo18_tree "$ODOO_HOME"; then
    local archive="$CACHE_DIR/odoo_18.0.latest.tar.gz"
    say "ODOO_SRC is not set; downloading Odoo 18.0 nightly source from $ODOO_NIGHTLY_URL"
    if ! curl -fsSL --connect-timeout 20 --max-time 900 -o "$archive.part" "$ODOO_NIGHTLY_URL"; then
      rm -f "$archive.part"
      odoo_missing "the download of $ODOO_NIGHTLY_URL failed."
    fi
    mv "$archive.part" "$archive"
    install_odoo_archive "$archive" "$ODOO_NIGHTLY_URL"
  fi
}

ensure_venv() {
  local pyver key venv
  command -v "$PYTHON" >/dev/null || die "$PYTHON not found: install Python 3.10 or newer."
  pyver=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' || die "Python $pyver is too old for Odoo 18 (3.10 or newer)."
  key=$(cat "$ODOO_HOME/requirements.txt" "$REPO_DIR/requirements.txt" "$REPO_DIR/requirements-dev.txt" \
    "$REPO_DIR/bin/odoo_requirements.py" | sha256sum | cut -c1-12)
  venv="$CACHE_DIR/venv-py$pyver-$key"
  if [ ! -f "$venv/.clienteling-ready" ]; then
    say "Creating the virtualenv $venv (Odoo's and the addons' Python dependencies)"
    rm -rf "$venv"
    "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install -q --upgrade pip wheel "setuptools<81" packaging
    "$venv/bin/python" "$REPO_DIR/bin/odoo_requirements.py" "$ODOO_HOME/requirements.txt" >"$venv/odoo-requirements.txt"
    if ! command -v pg_config >/dev/null; then
      # psycopg2 builds against libpq; without its headers use the binary wheel.
      sed -i 's/^psycopg2==/psycopg2-binary==/' "$venv/odoo-requirements.txt"
    fi
    "$venv/bin/pip" install -q -r "$venv/odoo-requirements.txt" -r "$REPO_DIR/requirements-dev.txt"
    touch "$venv/.clienteling-ready"
  fi
  # Odoo runs from its source tree, as Odoo documents; the .pth makes it importable.
  local site
  site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  printf '%s\n' "$ODOO_HOME" >"$site/odoo-source.pth"
  ln -sfn "$venv" "$REPO_DIR/.venv"
  VENV="$venv"
  export PATH="$VENV/bin:$PATH"
}

ensure_postgres() {
  command -v psql >/dev/null || die "PostgreSQL client tools not found: install PostgreSQL (e.g. apt-get install postgresql)."
  if ! pg_isready -q 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
      local version
      for version in $(ls /etc/postgresql); do
        say "Starting the PostgreSQL $version cluster"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
      done
      sleep 1
    fi
    pg_isready -q || die "PostgreSQL is not running and could not be started: start it and run the command again."
  fi
  DB_USER=${PGUSER:-$(id -un)}
  [ "$DB_USER" != postgres ] || die "Odoo refuses the database role 'postgres': run as another user or set PGUSER."
  if ! psql -d postgres -U "$DB_USER" -tAc 'select 1' >/dev/null 2>&1; then
    say "Creating the PostgreSQL role $DB_USER"
    createuser -U postgres --createdb "$DB_USER" 2>/dev/null \
      || su postgres -c "createuser --createdb '$DB_USER'" 2>/dev/null \
      || die "Cannot create the PostgreSQL role $DB_USER: create it with 'createuser --createdb $DB_USER' as the postgres user."
  fi
}

# Programs some tests need: Dovecot (the IMAP tests) and Chromium (the browser tours).
# The tests never install anything (clienteling/tests/system_tools.py): they are skipped
# without them, and fail when CI is set. Installed here with apt-get when root or when
# sudo needs no password; otherwise the command to run is printed and setup goes on.
have_program() {
  local name
  for name in "$@"; do
    PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "$name" >/dev/null && return 0
  done
  return 1
}

ensure_test_tools() {
  local packages=() runner=()
  have_program dovecot || packages+=(dovecot-imapd)
  have_program google-chrome chromium chromium-browser google-chrome-stable || packages+=(chromium)
  [ ${#packages[@]} -gt 0 ] || return 0
  if command -v apt-get >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
      runner=(env DEBIAN_FRONTEND=noninteractive)
    elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      runner=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    fi
  fi
  if [ ${#runner[@]} -gt 0 ]; then
    say "Installing ${packages[*]} for the IMAP and browser tests (apt-get install)"
    if { "${runner[@]}" apt-get update -qq && "${runner[@]}" apt-get install -y -qq "${packages[@]}"; } >/dev/null; then
      return 0
    fi
    say "Installing ${packages[*]} failed."
  fi
  say "The IMAP and browser tests need ${packages[*]}; install with:
    sudo apt-get install -y ${packages[*]}
  Until then those tests are skipped (and fail when the environment variable CI is set)."
}

write_odoo_config() {
  local addons="$ODOO_HOME/odoo/addons"
  [ -d "$ODOO_HOME/addons" ] && addons="$addons,$ODOO_HOME/addons"
  mkdir -p "$VAR_DIR/data"
  cat >"$ODOO_RC" <<EOF
[options]
addons_path = $addons,$REPO_DIR
data_dir = $VAR_DIR/data
db_user = $DB_USER
admin_passwd = admin
list_db = True
http_interface = 127.0.0.1
EOF
  export ODOO_RC
}

# The addons of this repository, comma-separated, in dependency order.
repo_addons() {
  local addon list=""
  for addon in clienteling clienteling_engage clienteling_sms clienteling_engage_sms clienteling_compliance clienteling_sale clienteling_pos \
    clienteling_advisor clienteling_advisor_sms spreadsheet_dashboard_clienteling; do
    [ -f "$REPO_DIR/$addon/__manifest__.py" ] && list="$list${list:+,}$addon"
  done
  echo "$list"
}

setup_all() {
  ensure_odoo_source
  ensure_venv
  ensure_postgres
  write_odoo_config
}

odoo_bin() {
  "$VENV/bin/python" -m odoo -c "$ODOO_RC" "$@"
}
