-- A script that never ends: only the interrupt hook stops it.
while true do end
