# Sourced by the image scripts: slim_root DIR readies a debootstrap root for
# `docker import`. Package caches and docs are not needed to run anything;
# /etc/hostname and /etc/resolv.conf are the build machine's (debootstrap
# copies them), and Docker gives every container its own.
slim_root() {
  rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* \
    "$1"/usr/share/doc/* "$1"/usr/share/man/* "$1"/usr/share/info/*
  rm -f "$1"/etc/hostname "$1"/etc/resolv.conf
}
