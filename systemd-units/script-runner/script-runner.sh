# Installed by Brokkr (systemd-units/script-runner), run by brokkr-script-runner.service.
# Protocol with the host (composer/src/qemu/script-runner.ts); every line carries the nonce
# from the disk so that the script's own output or a stale run cannot fake a marker:
#   BROKKR-SCRIPT-BEGIN <nonce>
#   BROKKR-OUT <nonce> <a line of the script's stdout/stderr>
#   BROKKR-SCRIPT-END <nonce> <exit status>
#   BROKKR-FILE <nonce> <path>, BROKKR-B64 <nonce> <base64 line>..., BROKKR-FILE-END <nonce> <sha256|missing>
#   BROKKR-SCRIPT-DONE <nonce>
# Each marker is one write of a whole line, so tty output cannot split it.
set -u
disk=/dev/disk/by-label/BRKSCRIPT
mnt=/run/brokkr-script
out=/dev/console
# Kernel messages bypass the tty and could land inside our lines: emergencies only from here.
dmesg -n 1 2>/dev/null
modprobe -q vfat 2>/dev/null
mkdir -p "$mnt"
if ! mount -t vfat -o ro,shortname=lower "$disk" "$mnt"; then
  echo "BROKKR-SCRIPT-ERROR cannot mount $disk" > "$out"
  exit 1
fi
nonce=
read -r nonce < "$mnt/nonce.txt"
if [ ! -f "$mnt/run.sh" ] || [ -z "$nonce" ]; then
  echo "BROKKR-SCRIPT-ERROR no run.sh or nonce.txt on $disk" > "$out"
  exit 1
fi
# A copy, so that its #! line is honoured (a script without one runs under sh).
cp "$mnt/run.sh" /run/brokkr-run.sh
chmod 0700 /run/brokkr-run.sh
echo "BROKKR-SCRIPT-BEGIN $nonce" > "$out"
cd /root 2>/dev/null || cd /
{
  /run/brokkr-run.sh < /dev/null 2>&1
  echo $? > /run/brokkr-run.status
} | while IFS= read -r line || [ -n "$line" ]; do
  printf 'BROKKR-OUT %s %s\n' "$nonce" "$line"
done > "$out"
status=255
read -r status < /run/brokkr-run.status
echo "BROKKR-SCRIPT-END $nonce $status" > "$out"
if [ -f "$mnt/copy-out.txt" ]; then
  while IFS= read -r path || [ -n "$path" ]; do
    [ -n "$path" ] || continue
    echo "BROKKR-FILE $nonce $path" > "$out"
    sum=missing
    if [ -f "$path" ] && [ -r "$path" ]; then
      base64 -w 76 "$path" | sed "s/^/BROKKR-B64 $nonce /" > "$out"
      sum=$(sha256sum < "$path")
      sum=${sum%% *}
    fi
    echo "BROKKR-FILE-END $nonce $sum" > "$out"
  done < "$mnt/copy-out.txt"
fi
echo "BROKKR-SCRIPT-DONE $nonce" > "$out"
umount "$mnt"
systemctl --no-block poweroff
